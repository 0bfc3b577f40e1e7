//! An amount of đồng in words, as Vietnamese administrative papers write it after the
//! figure: "250.000.000 đồng (Bằng chữ: Hai trăm năm mươi triệu đồng)".
//!
//! Read in groups of three digits (nghìn, triệu, tỷ, then nghìn tỷ...). Within a group:
//! "linh" for a zero ten ("một trăm linh năm"), "mười" for ten, "mốt" for a one after
//! twenty and above ("hai mươi mốt"), "tư" for a four after twenty and above, "lăm" for
//! a five after any ten ("mười lăm", "hai mươi lăm"). A group of zeros is not read; a
//! group after the first that is below one hundred reads its "không trăm".

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// The scale of each group of three digits, from the right: a tỷ is read again as the
/// scale grows (một nghìn tỷ, một triệu tỷ, một tỷ tỷ).
const SCALES: [&str; 7] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"];

/// "Hai trăm năm mươi triệu đồng": capitalised, ending in "đồng".
pub fn dong_in_words(amount: u64) -> String {
    let words = number_in_words(amount);
    let mut chars = words.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
    format!("{}{} đồng", first.unwrap_or_default(), chars.as_str())
}

/// The number in words, lower case ("một triệu không trăm linh năm").
pub fn number_in_words(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].to_string();
    }
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push((rest % 1000) as usize);
        rest /= 1000;
    }
    let mut words: Vec<String> = Vec::new();
    for (i, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            continue;
        }
        let leading = i == groups.len() - 1;
        words.push(group_in_words(group, leading));
        if !SCALES[i].is_empty() {
            words.push(SCALES[i].to_string());
        }
    }
    words.join(" ")
}

/// One group of three digits; the leading group of the number omits its zero
/// hundreds and tens ("năm" for 5, not "không trăm linh năm").
fn group_in_words(group: usize, leading: bool) -> String {
    let (hundreds, tens, units) = (group / 100, group / 10 % 10, group % 10);
    let mut words = Vec::new();
    if hundreds > 0 || !leading {
        words.push(DIGITS[hundreds]);
        words.push("trăm");
    }
    match tens {
        0 if units > 0 && (hundreds > 0 || !leading) => words.push("linh"),
        0 => {}
        1 => words.push("mười"),
        t => {
            words.push(DIGITS[t]);
            words.push("mươi");
        }
    }
    let unit = match units {
        0 => None,
        1 if tens >= 2 => Some("mốt"),
        4 if tens >= 2 => Some("tư"),
        5 if tens >= 1 => Some("lăm"),
        u => Some(DIGITS[u]),
    };
    words.extend(unit);
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_on_paper() {
        let cases: &[(u64, &str)] = &[
            (0, "Không đồng"),
            (5, "Năm đồng"),
            (10, "Mười đồng"),
            (11, "Mười một đồng"),
            (15, "Mười lăm đồng"),
            (21, "Hai mươi mốt đồng"),
            (24, "Hai mươi tư đồng"),
            (25, "Hai mươi lăm đồng"),
            (105, "Một trăm linh năm đồng"),
            (110, "Một trăm mười đồng"),
            (115, "Một trăm mười lăm đồng"),
            (1_000, "Một nghìn đồng"),
            (1_005, "Một nghìn không trăm linh năm đồng"),
            (10_500, "Mười nghìn năm trăm đồng"),
            (1_000_005, "Một triệu không trăm linh năm đồng"),
            (1_050_000, "Một triệu không trăm năm mươi nghìn đồng"),
            (100_000_000, "Một trăm triệu đồng"),
            (150_000_000, "Một trăm năm mươi triệu đồng"),
            (250_000_000, "Hai trăm năm mươi triệu đồng"),
            (1_500_000_000, "Một tỷ năm trăm triệu đồng"),
            (
                2_021_041_005,
                "Hai tỷ không trăm hai mươi mốt triệu không trăm bốn mươi mốt nghìn không trăm linh năm đồng",
            ),
            (1_000_000_000_000, "Một nghìn tỷ đồng"),
            (
                u64::MAX,
                "Mười tám tỷ tỷ bốn trăm bốn mươi sáu triệu tỷ bảy trăm bốn mươi tư nghìn tỷ \
                 không trăm bảy mươi ba tỷ bảy trăm linh chín triệu năm trăm năm mươi mốt nghìn \
                 sáu trăm mười lăm đồng",
            ),
        ];
        for (n, words) in cases {
            assert_eq!(dong_in_words(*n), *words, "{n}");
        }
    }
}
