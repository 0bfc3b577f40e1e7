//! `thidua campaign load/show`: a valid file creates then updates the campaign; a
//! broken one names the line and field and changes nothing.

mod support;

use support::TestEnv;

const EXAMPLE: &str = include_str!("../examples/campaign-vinh-thuan-2025.toml");

#[test]
fn campaign_files_load_update_and_refuse_mistakes() {
    let env = TestEnv::new();
    let file = env.dir.path().join("kh.toml");
    let other = EXAMPLE.replace("vinh-thuan-2025", "vinh-thuan-2026");
    std::fs::write(&file, &other).unwrap();
    let out = env.cli(&["campaign", "load", file.to_str().unwrap()]);
    assert!(
        out.contains("Đã tạo phong trào vinh-thuan-2026 với 2 mốc hạn"),
        "{out}"
    );
    assert!(
        out.contains("Báo cáo tổng kết phong trào thi đua — hạn 05/05/2025 23:59 (mã: report)"),
        "{out}"
    );

    // Moved deadline: updated in place.
    std::fs::write(&file, other.replace("due = 2025-05-05", "due = 2025-05-10")).unwrap();
    let out = env.cli(&["campaign", "load", file.to_str().unwrap()]);
    assert!(
        out.contains("Đã cập nhật phong trào vinh-thuan-2026"),
        "{out}"
    );
    assert!(out.contains("10/05/2025 23:59"), "{out}");

    // A typo in a key: refused with its line, nothing changed.
    let broken = other.replace("due = 2025-05-05", "due = 2025-05-12\nreminder_dayz = [3]");
    std::fs::write(&file, &broken).unwrap();
    let res = env.cli_raw(&["campaign", "load", file.to_str().unwrap()]);
    assert!(!res.status.success());
    let err = String::from_utf8_lossy(&res.stderr);
    let line = broken
        .lines()
        .position(|l| l.starts_with("reminder_dayz"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("line {line}")), "{err}");
    assert!(err.contains("reminder_dayz"), "{err}");
    let shown = env.cli(&["campaign", "show"]);
    assert!(shown.contains("10/05/2025"), "unchanged: {shown}");
}
