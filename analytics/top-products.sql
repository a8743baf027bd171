-- Top products: views, cart adds and purchases per product, most purchased first (then most
-- added, most viewed), the first 20. Each event counts once by its eventId: delivery is at least
-- once, so the lake can hold a resent event twice.
SELECT
  itemid AS item_id,
  count(DISTINCT CASE WHEN eventtype = 'product_view' THEN eventid END) AS views,
  count(DISTINCT CASE WHEN eventtype = 'add_to_cart' THEN eventid END) AS adds,
  count(DISTINCT CASE WHEN eventtype = 'purchase' THEN eventid END) AS purchases
FROM events
WHERE dt >= ? AND itemid IS NOT NULL
GROUP BY itemid
ORDER BY purchases DESC, adds DESC, views DESC, item_id
LIMIT 20
