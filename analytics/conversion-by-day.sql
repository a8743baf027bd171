-- Conversion by day: sessions seen each UTC day, the sessions among them with a purchase, and
-- the share that bought.
SELECT
  dt AS day,
  count(DISTINCT sessionid) AS sessions,
  count(DISTINCT CASE WHEN eventtype = 'purchase' THEN sessionid END) AS purchasing_sessions,
  round(CAST(count(DISTINCT CASE WHEN eventtype = 'purchase' THEN sessionid END) AS DOUBLE) / count(DISTINCT sessionid), 4) AS conversion_rate
FROM events
WHERE dt >= ?
GROUP BY dt
ORDER BY dt
