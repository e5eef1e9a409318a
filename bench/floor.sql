-- The floor of the alert sweep: the per-project facts its rules read, as of a date
-- (:as_of, put in by the script), computed by the database alone and sent to the
-- client — the figures of domain.md §4a (refinancing bonds out; a use adjustment
-- moves the allocation and the money that had arrived, by approval date;
-- disbursements net of reversals), the age of the oldest money in the treasury and
-- at the unit per bond (first in, first out, by window functions), the latest
-- progress of a month up to the date's, revenue collected and moved to the
-- dedicated account, the forecast, indicators and open alerts. Portable between
-- SQLite (3.25 or later) and PostgreSQL; bench/sweep.sh checks its money against
-- Query.figures on a sample before it times it.
WITH
  used AS (SELECT id FROM bonds WHERE kind <> 'REFINANCING'),
  inc AS (SELECT a.project_id, SUM(i.amount) AS amount
          FROM allocation_increments i JOIN allocations a ON a.id = i.allocation_id
          WHERE i.allocated_on <= :as_of AND a.bond_id IN (SELECT id FROM used) GROUP BY a.project_id),
  adj AS (SELECT project_id, SUM(funding) AS funding, SUM(moved) AS moved, SUM(returned) AS returned FROM (
            SELECT to_project_id AS project_id, amount AS funding, moved_from_treasury + moved_from_unit AS moved, 0 AS returned
            FROM use_adjustments WHERE approved_on <= :as_of AND bond_id IN (SELECT id FROM used)
            UNION ALL
            SELECT from_project_id, -amount, -(moved_from_treasury + moved_from_unit), moved_from_unit
            FROM use_adjustments WHERE approved_on <= :as_of AND bond_id IN (SELECT id FROM used)) m
          GROUP BY project_id),
  rc AS (SELECT a.project_id, a.bond_id, r.received_on AS on_day, r.amount,
                SUM(r.amount) OVER (PARTITION BY a.project_id, a.bond_id ORDER BY r.received_on, r.id ROWS UNBOUNDED PRECEDING) AS upto
         FROM receipts r JOIN allocations a ON a.id = r.allocation_id
         WHERE r.received_on <= :as_of AND a.bond_id IN (SELECT id FROM used)),
  received AS (SELECT project_id, SUM(amount) AS amount, MIN(on_day) AS first_receipt FROM rc GROUP BY project_id),
  d AS (SELECT project_id, bond_id, kind, paid_on, amount,
               SUM(amount) OVER (PARTITION BY project_id, bond_id, kind ORDER BY paid_on, id ROWS UNBOUNDED PRECEDING) AS upto
        FROM disbursements
        WHERE paid_on <= :as_of AND (bond_id IS NULL OR bond_id IN (SELECT id FROM used))),
  dsum AS (SELECT project_id, bond_id, SUM(CASE WHEN kind = 'TRANSFER' THEN amount ELSE 0 END) AS transferred,
                  SUM(CASE WHEN kind = 'PAYMENT' THEN amount ELSE 0 END) AS paid, MAX(paid_on) AS last_paid
           FROM d GROUP BY project_id, bond_id),
  money AS (SELECT project_id, SUM(transferred) AS transferred, SUM(paid) AS paid, MAX(last_paid) AS last_paid
            FROM dsum GROUP BY project_id),
  -- First in, first out: the oldest receipt not yet all transferred, and the oldest
  -- transfer not yet all paid, per project and bond.
  treasury AS (SELECT rc.project_id, MIN(rc.on_day) AS since FROM rc
               LEFT JOIN dsum s ON s.project_id = rc.project_id AND s.bond_id = rc.bond_id
               WHERE rc.upto > COALESCE(s.transferred, 0) GROUP BY rc.project_id),
  unit AS (SELECT d.project_id, MIN(d.paid_on) AS since FROM d
           LEFT JOIN dsum s ON s.project_id = d.project_id AND s.bond_id = d.bond_id
           WHERE d.kind = 'TRANSFER' AND d.bond_id IS NOT NULL AND d.upto > COALESCE(s.paid, 0) GROUP BY d.project_id),
  pr AS (SELECT project_id, actual_percent, period, reports FROM (
           SELECT project_id, actual_percent, period, COUNT(*) OVER (PARTITION BY project_id) AS reports,
                  ROW_NUMBER() OVER (PARTITION BY project_id ORDER BY period DESC, id DESC) AS n
           FROM progress_reports WHERE period <= substr(:as_of, 1, 7)) x WHERE n = 1),
  rv AS (SELECT project_id, SUM(CASE WHEN collected_on <= :as_of THEN collected ELSE 0 END) AS collected,
                SUM(CASE WHEN transferred_on <= :as_of THEN transferred ELSE 0 END) AS to_account
         FROM revenue_records GROUP BY project_id),
  f AS (SELECT project_id, SUM(revenue - operating_cost) AS forecast_net, COUNT(*) AS forecast_years
        FROM revenue_forecasts GROUP BY project_id),
  i AS (SELECT t.project_id, COUNT(*) AS indicators FROM indicators ix JOIN performance_targets t ON t.id = ix.target_id
        WHERE t.project_id IS NOT NULL GROUP BY t.project_id),
  al AS (SELECT project_id, COUNT(*) AS open_alerts FROM alerts WHERE open_key IS NOT NULL GROUP BY project_id)
SELECT p.id, p.code,
       COALESCE(inc.amount, 0) + COALESCE(adj.funding, 0) AS bond_funding,
       COALESCE(received.amount, 0) + COALESCE(adj.moved, 0) AS received,
       COALESCE(money.transferred, 0) - COALESCE(adj.returned, 0) AS transferred,
       COALESCE(money.paid, 0) AS paid,
       received.first_receipt, money.last_paid, treasury.since AS treasury_since, unit.since AS unit_since,
       pr.period AS latest_period, pr.actual_percent, pr.reports, rv.collected, rv.to_account,
       f.forecast_net, f.forecast_years, i.indicators, al.open_alerts,
       p.status, p.approved_investment, p.planned_bond_funding, p.planned_completion
FROM projects p
LEFT JOIN inc ON inc.project_id = p.id
LEFT JOIN adj ON adj.project_id = p.id
LEFT JOIN received ON received.project_id = p.id
LEFT JOIN money ON money.project_id = p.id
LEFT JOIN treasury ON treasury.project_id = p.id
LEFT JOIN unit ON unit.project_id = p.id
LEFT JOIN pr ON pr.project_id = p.id
LEFT JOIN rv ON rv.project_id = p.id
LEFT JOIN f ON f.project_id = p.id
LEFT JOIN i ON i.project_id = p.id
LEFT JOIN al ON al.project_id = p.id
ORDER BY p.id;
