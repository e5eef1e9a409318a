-- The floor of the alert sweep: the per-project figures its rules read (funding,
-- receipts, transfers, payments, latest progress, revenue, forecast, indicators,
-- open alerts), computed by the database alone in one pass of aggregate queries and
-- sent to the client. Portable between SQLite and PostgreSQL.
WITH
  a AS (SELECT project_id, SUM(amount) AS funding, MIN(allocated_on) AS first_allocated FROM allocations GROUP BY project_id),
  r AS (SELECT al.project_id, SUM(rc.amount) AS received, MIN(rc.received_on) AS first_receipt
        FROM receipts rc JOIN allocations al ON al.id = rc.allocation_id GROUP BY al.project_id),
  d AS (SELECT project_id,
               SUM(CASE WHEN kind = 'TRANSFER' THEN amount ELSE 0 END) AS transferred,
               SUM(CASE WHEN kind = 'PAYMENT' THEN amount ELSE 0 END) AS paid,
               MAX(paid_on) AS last_paid
        FROM disbursements GROUP BY project_id),
  pr AS (SELECT project_id, MAX(period) AS latest_period, COUNT(*) AS reports FROM progress_reports GROUP BY project_id),
  rv AS (SELECT project_id, SUM(collected) AS collected, SUM(transferred) AS to_account FROM revenue_records GROUP BY project_id),
  f AS (SELECT project_id, SUM(revenue - operating_cost) AS forecast_net, COUNT(*) AS forecast_years FROM revenue_forecasts GROUP BY project_id),
  i AS (SELECT t.project_id, COUNT(*) AS indicators FROM indicators ix JOIN performance_targets t ON t.id = ix.target_id
        WHERE t.project_id IS NOT NULL GROUP BY t.project_id),
  al AS (SELECT project_id, COUNT(*) AS open_alerts FROM alerts WHERE open_key IS NOT NULL GROUP BY project_id)
SELECT p.id, p.code, p.status, p.approved_investment, p.planned_bond_funding, p.planned_completion,
       a.funding, a.first_allocated, r.received, r.first_receipt, d.transferred, d.paid, d.last_paid,
       pr.latest_period, pr.reports, rv.collected, rv.to_account, f.forecast_net, f.forecast_years,
       i.indicators, al.open_alerts
FROM projects p
LEFT JOIN a ON a.project_id = p.id
LEFT JOIN r ON r.project_id = p.id
LEFT JOIN d ON d.project_id = p.id
LEFT JOIN pr ON pr.project_id = p.id
LEFT JOIN rv ON rv.project_id = p.id
LEFT JOIN f ON f.project_id = p.id
LEFT JOIN i ON i.project_id = p.id
LEFT JOIN al ON al.project_id = p.id
ORDER BY p.id;
