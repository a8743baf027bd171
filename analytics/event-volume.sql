-- Data health: events per type per hour of arrival (UTC), accepted into the lake or quarantined,
-- and the quarantine's share. A quarantined entry's type is read from its raw data when that is
-- JSON text; otherwise it counts as (unreadable). It counts what arrived: an event resent by the
-- client or redelivered by the stream counts each time it was written.
WITH accepted AS (
  SELECT substr(receivedat, 1, 13) AS arrival_hour, eventtype AS event_type
  FROM events
  WHERE dt >= ?
),
refused AS (
  SELECT
    substr(t.entry.receivedat, 1, 13) AS arrival_hour,
    coalesce(CASE WHEN t.entry.dataencoding = 'utf8' THEN json_extract_scalar(t.entry.data, '$.eventType') END, '(unreadable)') AS event_type
  FROM quarantine q
  CROSS JOIN UNNEST(q.entries) AS t(entry)
  WHERE q.dt >= ?
),
volume AS (
  SELECT arrival_hour, event_type, 1 AS accepted, 0 AS quarantined FROM accepted
  UNION ALL
  SELECT arrival_hour, event_type, 0 AS accepted, 1 AS quarantined FROM refused
)
SELECT
  arrival_hour,
  event_type,
  count(CASE WHEN accepted = 1 THEN 1 END) AS accepted,
  count(CASE WHEN quarantined = 1 THEN 1 END) AS quarantined,
  round(CAST(count(CASE WHEN quarantined = 1 THEN 1 END) AS DOUBLE) / count(*), 4) AS quarantine_share
FROM volume
GROUP BY arrival_hour, event_type
ORDER BY arrival_hour, event_type
