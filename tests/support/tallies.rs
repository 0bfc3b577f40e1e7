//! The desk's kept figures (migration 0028) against a count from scratch: the check
//! `tests/tallies.rs` makes after every random change, and the rehearsal after its kills.

use sqlx::{AnyConnection, Row};

type Tally = (i64, String, i64, String, i64, i64);

/// The tallies counted from scratch, rows that come to nothing left out.
const RECOUNT: &str = "
SELECT place, topic, of_id, label, n, total FROM (
  SELECT p.place, 'units' AS topic, 0 AS of_id, '' AS label, COUNT(*) AS n, 0 AS total
  FROM units u JOIN (SELECT id, -1 - id % 16 AS place FROM units UNION ALL
                     SELECT id, parent_id FROM units WHERE parent_id IS NOT NULL) p ON p.id = u.id
  WHERE u.hands_in = 1 GROUP BY p.place
  UNION ALL
  SELECT p.place, 'submission', s.deadline_id, s.status || ':' || s.late, COUNT(*), 0
  FROM submissions s JOIN units u ON u.id = s.unit_id
  JOIN (SELECT id, -1 - id % 16 AS place FROM units UNION ALL
        SELECT id, parent_id FROM units WHERE parent_id IS NOT NULL) p ON p.id = u.id
  WHERE u.hands_in = 1 GROUP BY p.place, s.deadline_id, s.status, s.late
  UNION ALL
  SELECT p.place, 'hour', s.deadline_id, SUBSTR(s.submitted_at, 1, 13), COUNT(*), 0
  FROM submissions s JOIN units u ON u.id = s.unit_id
  JOIN (SELECT id, -1 - id % 16 AS place FROM units UNION ALL
        SELECT id, parent_id FROM units WHERE parent_id IS NOT NULL) p ON p.id = u.id
  WHERE u.hands_in = 1 GROUP BY p.place, s.deadline_id, SUBSTR(s.submitted_at, 1, 13)
  UNION ALL
  SELECT p.place, 'work', r.campaign_id, r.kind, COUNT(*), CAST(SUM(r.estimated_value_vnd) AS BIGINT)
  FROM registrations r
  JOIN (SELECT id, -1 - id % 16 AS place FROM units UNION ALL
        SELECT id, parent_id FROM units WHERE parent_id IS NOT NULL) p ON p.id = r.unit_id
  WHERE r.status = 'submitted' GROUP BY p.place, r.campaign_id, r.kind
) x ORDER BY place, topic, of_id, label";

const KEPT: &str = "SELECT place, topic, of_id, label, n, total FROM tallies \
                    WHERE n <> 0 OR total <> 0 ORDER BY place, topic, of_id, label";

async fn rows(conn: &mut AnyConnection, sql: &str) -> Vec<Tally> {
    sqlx::query(sql)
        .fetch_all(conn)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get::<i64, _>(0),
                r.get::<String, _>(1),
                r.get::<i64, _>(2),
                r.get::<String, _>(3),
                r.get::<i64, _>(4),
                r.get::<i64, _>(5),
            )
        })
        .collect()
}

/// What differs between the kept figures and a recount (`None`: nothing).
pub async fn drift(conn: &mut AnyConnection) -> Option<String> {
    let wrong: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM units u JOIN unit_hands_in v ON v.id = u.id \
         WHERE u.hands_in <> v.hands_in",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    if wrong != 0 {
        return Some(format!(
            "units.hands_in differs from its rule for {wrong} unit(s)"
        ));
    }
    let kept = rows(conn, KEPT).await;
    let counted = rows(conn, RECOUNT).await;
    if kept == counted {
        return None;
    }
    let only_kept: Vec<_> = kept.iter().filter(|r| !counted.contains(r)).collect();
    let only_counted: Vec<_> = counted.iter().filter(|r| !kept.contains(r)).collect();
    Some(format!(
        "the tallies drifted\n kept only: {only_kept:?}\n counted only: {only_counted:?}"
    ))
}
