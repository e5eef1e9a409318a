-- What PostGraphile 4.14.1 needs to answer the benchmark's three queries over
-- bondwatch's own tables: computed columns for a project's money and latest progress
-- (PostGraphile exposes `projects_<name>(p projects)` as `Project.<name>`), and the
-- portfolio totals as a root query function. Same definitions as bondwatch's
-- (use adjustments move funding and received money; disbursements net of reversals).
CREATE OR REPLACE FUNCTION projects_bond_funding(p projects) RETURNS bigint AS $$
  SELECT COALESCE((SELECT SUM(amount) FROM allocations WHERE project_id = p.id), 0)
       + COALESCE((SELECT SUM(amount) FROM use_adjustments WHERE to_project_id = p.id), 0)
       - COALESCE((SELECT SUM(amount) FROM use_adjustments WHERE from_project_id = p.id), 0)
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_received(p projects) RETURNS bigint AS $$
  SELECT COALESCE((SELECT SUM(r.amount) FROM receipts r JOIN allocations a ON a.id = r.allocation_id WHERE a.project_id = p.id), 0)
       + COALESCE((SELECT SUM(amount) FROM use_adjustments WHERE to_project_id = p.id), 0)
       - COALESCE((SELECT SUM(amount) FROM use_adjustments WHERE from_project_id = p.id), 0)
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_transferred(p projects) RETURNS bigint AS $$
  SELECT COALESCE(SUM(amount), 0) FROM disbursements WHERE project_id = p.id AND kind = 'TRANSFER'
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_disbursed(p projects) RETURNS bigint AS $$
  SELECT COALESCE(SUM(amount), 0) FROM disbursements WHERE project_id = p.id AND kind = 'PAYMENT'
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION projects_latest_progress(p projects) RETURNS progress_reports AS $$
  SELECT * FROM progress_reports WHERE project_id = p.id ORDER BY period DESC, id DESC LIMIT 1
$$ LANGUAGE sql STABLE;

DROP FUNCTION IF EXISTS portfolio_totals();
DROP TYPE IF EXISTS portfolio_totals_t;
CREATE TYPE portfolio_totals_t AS (projects int, bond_funding bigint, received bigint, disbursed bigint, open_alerts int);
CREATE FUNCTION portfolio_totals() RETURNS portfolio_totals_t AS $$
  SELECT (SELECT COUNT(*) FROM projects)::int,
         COALESCE((SELECT SUM(amount) FROM allocations), 0)::bigint,
         COALESCE((SELECT SUM(amount) FROM receipts), 0)::bigint,
         COALESCE((SELECT SUM(amount) FROM disbursements WHERE kind = 'PAYMENT'), 0)::bigint,
         (SELECT COUNT(*) FROM alerts WHERE open_key IS NOT NULL)::int
$$ LANGUAGE sql STABLE;
