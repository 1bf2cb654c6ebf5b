//! A minimal JSON Lines writer for records whose shape the generator controls.
//!
//! Building `serde_json::Value` trees for millions of records would dominate the run time; writing
//! the bytes directly keeps generation faster than the gzip that follows it.

use std::io::Write;

/// Appends JSON tokens to a byte buffer.
pub struct JsonBuf {
    pub buf: Vec<u8>,
    first: Vec<bool>,
}

impl JsonBuf {
    pub fn new() -> Self {
        JsonBuf {
            buf: Vec::with_capacity(64 * 1024),
            first: Vec::with_capacity(16),
        }
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.first.clear();
    }

    fn comma(&mut self) {
        if let Some(first) = self.first.last_mut() {
            if *first {
                *first = false;
            } else {
                self.buf.push(b',');
            }
        }
    }

    pub fn begin_object(&mut self) {
        self.comma();
        self.buf.push(b'{');
        self.first.push(true);
    }

    pub fn end_object(&mut self) {
        self.first.pop();
        self.buf.push(b'}');
    }

    pub fn begin_array(&mut self) {
        self.comma();
        self.buf.push(b'[');
        self.first.push(true);
    }

    pub fn end_array(&mut self) {
        self.first.pop();
        self.buf.push(b']');
    }

    /// Writes `"name":` inside an object; the value call that follows must not add a comma.
    pub fn key(&mut self, name: &str) {
        self.comma();
        self.buf.push(b'"');
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.extend_from_slice(b"\":");
        // The value that follows is the first (and only) token of this member.
        if let Some(first) = self.first.last_mut() {
            *first = true;
        }
    }

    /// Ends a member so the next key gets its comma.
    fn after_value(&mut self) {
        if let Some(first) = self.first.last_mut() {
            *first = false;
        }
    }

    pub fn str(&mut self, s: &str) {
        self.comma();
        escape_into(&mut self.buf, s);
        self.after_value();
    }

    /// Writes a string assembled from format arguments, escaping it.
    pub fn fmt_str(&mut self, args: std::fmt::Arguments<'_>) {
        self.comma();
        let start = self.buf.len();
        self.buf.push(b'"');
        self.buf
            .write_fmt(args)
            .expect("writing to a Vec cannot fail");
        // Formatted pieces are ids, dates and names from the fact tables; escape only if needed.
        if self.buf[start + 1..]
            .iter()
            .any(|b| *b == b'"' || *b == b'\\' || *b < 0x20)
        {
            let raw =
                String::from_utf8(self.buf.split_off(start + 1)).expect("formatted text is UTF-8");
            self.buf.truncate(start);
            escape_into(&mut self.buf, &raw);
        } else {
            self.buf.push(b'"');
        }
        self.after_value();
    }

    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.null(),
        }
    }

    pub fn null(&mut self) {
        self.comma();
        self.buf.extend_from_slice(b"null");
        self.after_value();
    }

    pub fn bool(&mut self, b: bool) {
        self.comma();
        self.buf
            .extend_from_slice(if b { b"true" } else { b"false" });
        self.after_value();
    }

    pub fn u64(&mut self, n: u64) {
        self.comma();
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        let mut v = n;
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&tmp[i..]);
        self.after_value();
    }

    /// A float with a fixed number of decimals, trailing zeros trimmed (as OpenAlex prints them).
    pub fn f64(&mut self, x: f64, decimals: usize) {
        self.comma();
        let start = self.buf.len();
        write!(self.buf, "{:.*}", decimals, x).expect("writing to a Vec cannot fail");
        if decimals > 0 {
            while self.buf.last() == Some(&b'0') && self.buf[start..].contains(&b'.') {
                self.buf.pop();
            }
            if self.buf.last() == Some(&b'.') {
                self.buf.push(b'0');
            }
        }
        self.after_value();
    }

    // Convenience members.
    pub fn kv_str(&mut self, k: &str, v: &str) {
        self.key(k);
        self.str(v);
    }
    pub fn kv_opt_str(&mut self, k: &str, v: Option<&str>) {
        self.key(k);
        self.opt_str(v);
    }
    pub fn kv_null(&mut self, k: &str) {
        self.key(k);
        self.null();
    }
    pub fn kv_bool(&mut self, k: &str, v: bool) {
        self.key(k);
        self.bool(v);
    }
    pub fn kv_u64(&mut self, k: &str, v: u64) {
        self.key(k);
        self.u64(v);
    }
    pub fn kv_f64(&mut self, k: &str, v: f64, decimals: usize) {
        self.key(k);
        self.f64(v, decimals);
    }
    pub fn kv_empty_array(&mut self, k: &str) {
        self.key(k);
        self.begin_array();
        self.end_array();
    }
}

/// Writes `s` as a JSON string literal.
pub fn escape_into(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b == b'"' || b == b'\\' || b < 0x20) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\t' => Some(b"\\t"),
            b'\r' => Some(b"\\r"),
            0..=0x1f => None,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        match esc {
            Some(e) => out.extend_from_slice(e),
            None => write!(out, "\\u{:04x}", b).expect("writing to a Vec cannot fail"),
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_nested_json() {
        let mut j = JsonBuf::new();
        j.begin_object();
        j.kv_str("a", "he said \"hi\"\n");
        j.key("b");
        j.begin_array();
        j.u64(0);
        j.u64(1234567);
        j.f64(0.5, 4);
        j.f64(2.0, 3);
        j.end_array();
        j.kv_null("c");
        j.key("d");
        j.begin_object();
        j.kv_bool("e", true);
        j.end_object();
        j.key("f");
        j.fmt_str(format_args!("https://openalex.org/W{}", 42));
        j.end_object();
        let v: serde_json::Value = serde_json::from_slice(&j.buf).unwrap();
        assert_eq!(v["a"], "he said \"hi\"\n");
        assert_eq!(v["b"], serde_json::json!([0, 1234567, 0.5, 2.0]));
        assert!(v["c"].is_null());
        assert_eq!(v["d"]["e"], true);
        assert_eq!(v["f"], "https://openalex.org/W42");
    }
}
