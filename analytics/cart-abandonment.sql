-- Cart abandonment by day: sessions that added to the cart, how many of them bought that day,
-- how many left without buying, and the abandonment rate.
WITH carts AS (
  SELECT
    dt,
    sessionid,
    max(CASE WHEN eventtype = 'add_to_cart' THEN 1 ELSE 0 END) AS added,
    max(CASE WHEN eventtype = 'purchase' THEN 1 ELSE 0 END) AS purchased
  FROM events
  WHERE dt >= ?
  GROUP BY dt, sessionid
)
SELECT
  dt AS day,
  count(CASE WHEN added = 1 THEN 1 END) AS carts,
  count(CASE WHEN added = 1 AND purchased = 1 THEN 1 END) AS purchased,
  count(CASE WHEN added = 1 AND purchased = 0 THEN 1 END) AS abandoned,
  round(CAST(count(CASE WHEN added = 1 AND purchased = 0 THEN 1 END) AS DOUBLE) / NULLIF(count(CASE WHEN added = 1 THEN 1 END), 0), 4) AS abandonment_rate
FROM carts
GROUP BY dt
HAVING count(CASE WHEN added = 1 THEN 1 END) > 0
ORDER BY dt
