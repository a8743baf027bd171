-- Top products: views, cart adds and purchases per product, most purchased first (then most
-- added, most viewed), the first 20.
SELECT
  itemid AS item_id,
  count(CASE WHEN eventtype = 'product_view' THEN 1 END) AS views,
  count(CASE WHEN eventtype = 'add_to_cart' THEN 1 END) AS adds,
  count(CASE WHEN eventtype = 'purchase' THEN 1 END) AS purchases
FROM events
WHERE dt >= ? AND itemid IS NOT NULL
GROUP BY itemid
ORDER BY purchases DESC, adds DESC, views DESC, item_id
LIMIT 20
