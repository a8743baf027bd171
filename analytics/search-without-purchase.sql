-- Search terms with no purchase: what shoppers searched for (properties.query, trimmed and
-- lower-cased) in sessions that bought nothing, most searched first, the first 50. Each search
-- counts once by its eventId (a resent event can be in the lake twice).
WITH searches AS (
  SELECT DISTINCT eventid, sessionid, lower(trim(element_at(properties, 'query'))) AS term
  FROM events
  WHERE dt >= ? AND eventtype = 'search'
),
buyers AS (
  SELECT DISTINCT sessionid
  FROM events
  WHERE dt >= ? AND eventtype = 'purchase'
)
SELECT
  s.term,
  count(*) AS searches,
  count(DISTINCT s.sessionid) AS sessions
FROM searches s
LEFT JOIN buyers b ON b.sessionid = s.sessionid
WHERE b.sessionid IS NULL AND s.term IS NOT NULL AND s.term <> ''
GROUP BY s.term
ORDER BY searches DESC, s.term
LIMIT 50
