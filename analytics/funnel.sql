-- The funnel: sessions reaching product_view, then add_to_cart, then checkout_start, then purchase
-- (a step counts a session only if it also reached every step before), with the rate from the
-- previous step and from the first.
WITH sessions AS (
  SELECT
    sessionid,
    max(CASE WHEN eventtype = 'product_view' THEN 1 ELSE 0 END) AS viewed,
    max(CASE WHEN eventtype = 'add_to_cart' THEN 1 ELSE 0 END) AS added,
    max(CASE WHEN eventtype = 'checkout_start' THEN 1 ELSE 0 END) AS checked_out,
    max(CASE WHEN eventtype = 'purchase' THEN 1 ELSE 0 END) AS purchased
  FROM events
  WHERE dt >= ?
  GROUP BY sessionid
),
steps AS (
  SELECT 1 AS step, 'product_view' AS event_type, count(CASE WHEN viewed = 1 THEN 1 END) AS sessions FROM sessions
  UNION ALL
  SELECT 2, 'add_to_cart', count(CASE WHEN viewed = 1 AND added = 1 THEN 1 END) FROM sessions
  UNION ALL
  SELECT 3, 'checkout_start', count(CASE WHEN viewed = 1 AND added = 1 AND checked_out = 1 THEN 1 END) FROM sessions
  UNION ALL
  SELECT 4, 'purchase', count(CASE WHEN viewed = 1 AND added = 1 AND checked_out = 1 AND purchased = 1 THEN 1 END) FROM sessions
)
SELECT
  step,
  event_type,
  sessions,
  round(CAST(sessions AS DOUBLE) / NULLIF(lag(sessions) OVER (ORDER BY step), 0), 4) AS rate_from_previous,
  round(CAST(sessions AS DOUBLE) / NULLIF(first_value(sessions) OVER (ORDER BY step), 0), 4) AS rate_from_first
FROM steps
ORDER BY step
