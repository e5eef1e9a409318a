-- What PostGraphile 4.14.1 needs to answer the benchmark's three queries over
-- bondwatch's own tables: computed columns for a project's money and latest progress
-- (PostGraphile exposes `projects_<name>(p projects)` as `Project.<name>`), and the
-- portfolio totals as a root query function. The figures of domain.md §4a as of today
-- in Asia/Shanghai, as bondwatch defines them: refinancing bonds stay out; a use
-- adjustment moves the allocation and only the money that had arrived (its
-- moved_from_treasury and moved_from_unit), by approval date; disbursements net of
-- reversals (a reversal is a negative row). bench/graphql.sh checks both servers give
-- the same numbers before it times them.
CREATE OR REPLACE FUNCTION bench_today() RETURNS date AS $$
  SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION bench_use_bond(bond bigint) RETURNS boolean AS $$
  SELECT bond IS NULL OR NOT EXISTS (SELECT 1 FROM bonds b WHERE b.id = bond AND b.kind = 'REFINANCING')
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_bond_funding(p projects) RETURNS bigint AS $$
  SELECT COALESCE((SELECT SUM(i.amount) FROM allocation_increments i JOIN allocations a ON a.id = i.allocation_id
                   WHERE a.project_id = p.id AND i.allocated_on <= bench_today() AND bench_use_bond(a.bond_id)), 0)
       + COALESCE((SELECT SUM(amount) FROM use_adjustments
                   WHERE to_project_id = p.id AND approved_on <= bench_today() AND bench_use_bond(bond_id)), 0)
       - COALESCE((SELECT SUM(amount) FROM use_adjustments
                   WHERE from_project_id = p.id AND approved_on <= bench_today() AND bench_use_bond(bond_id)), 0)
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_received(p projects) RETURNS bigint AS $$
  SELECT COALESCE((SELECT SUM(r.amount) FROM receipts r JOIN allocations a ON a.id = r.allocation_id
                   WHERE a.project_id = p.id AND r.received_on <= bench_today() AND bench_use_bond(a.bond_id)), 0)
       + COALESCE((SELECT SUM(moved_from_treasury + moved_from_unit) FROM use_adjustments
                   WHERE to_project_id = p.id AND approved_on <= bench_today() AND bench_use_bond(bond_id)), 0)
       - COALESCE((SELECT SUM(moved_from_treasury + moved_from_unit) FROM use_adjustments
                   WHERE from_project_id = p.id AND approved_on <= bench_today() AND bench_use_bond(bond_id)), 0)
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_transferred(p projects) RETURNS bigint AS $$
  SELECT COALESCE((SELECT SUM(amount) FROM disbursements
                   WHERE project_id = p.id AND kind = 'TRANSFER' AND paid_on <= bench_today() AND bench_use_bond(bond_id)), 0)
       - COALESCE((SELECT SUM(moved_from_unit) FROM use_adjustments
                   WHERE from_project_id = p.id AND approved_on <= bench_today() AND bench_use_bond(bond_id)), 0)
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_disbursed(p projects) RETURNS bigint AS $$
  SELECT COALESCE(SUM(amount), 0) FROM disbursements
  WHERE project_id = p.id AND kind = 'PAYMENT' AND paid_on <= bench_today() AND bench_use_bond(bond_id)
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_latest_progress(p projects) RETURNS progress_reports AS $$
  SELECT * FROM progress_reports WHERE project_id = p.id ORDER BY period DESC, id DESC LIMIT 1
$$ LANGUAGE sql STABLE;

DROP FUNCTION IF EXISTS portfolio_totals();
DROP TYPE IF EXISTS portfolio_totals_t;
CREATE TYPE portfolio_totals_t AS (projects int, bond_funding bigint, received bigint, disbursed bigint, open_alerts int);
CREATE FUNCTION portfolio_totals() RETURNS portfolio_totals_t AS $$
  -- Summed over whole tables: an adjustment moves money between projects and leaves
  -- the portfolio's funding and received as they are.
  SELECT (SELECT COUNT(*) FROM projects)::int,
         COALESCE((SELECT SUM(i.amount) FROM allocation_increments i JOIN allocations a ON a.id = i.allocation_id
                   WHERE i.allocated_on <= bench_today() AND bench_use_bond(a.bond_id)), 0)::bigint,
         COALESCE((SELECT SUM(r.amount) FROM receipts r JOIN allocations a ON a.id = r.allocation_id
                   WHERE r.received_on <= bench_today() AND bench_use_bond(a.bond_id)), 0)::bigint,
         COALESCE((SELECT SUM(amount) FROM disbursements
                   WHERE kind = 'PAYMENT' AND paid_on <= bench_today() AND bench_use_bond(bond_id)), 0)::bigint,
         (SELECT COUNT(*) FROM alerts WHERE open_key IS NOT NULL)::int
$$ LANGUAGE sql STABLE;
