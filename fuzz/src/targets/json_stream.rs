//! The streaming `cmcp_json::stream::Reader` walked over an arbitrary
//! document: never a panic, and it accepts nothing the in-memory parser
//! refuses (when it accepts, both give the same value).

use cmcp_json::stream::{Reader, parse_raw};
use cmcp_json::{Limits, Object, ParseError, Value, parse};

fn walk(data: &[u8]) -> Result<Value, ParseError> {
    let mut r = Reader::new(data, Limits::CLAIM);
    if !r.begin_object()? {
        return r.rest_document(Limits::CLAIM.max_bytes);
    }
    let mut members = Vec::new();
    while let Some(name) = r.next_member()? {
        let value = if r.begin_array()? {
            let mut items = Vec::new();
            while r.next_item()? {
                let depth = r.depth();
                let raw = r.raw_value()?;
                let (bytes, len, offset) = (raw.bytes.to_vec(), raw.len, raw.offset);
                r.consume(len);
                items.push(parse_raw(&bytes, len, offset, depth, Limits::CLAIM)?);
            }
            Value::Array(items)
        } else {
            r.value()?
        };
        members.push((name, value));
    }
    r.end()?;
    Ok(Value::Object(Object::from_members(members)))
}

/// Walks `data` with the reader and compares with [`parse`].
pub fn run(data: &[u8]) {
    if let Ok(streamed) = walk(data) {
        let whole = parse(data);
        assert_eq!(
            whole.as_ref().ok(),
            Some(&streamed),
            "stream accepted what parse gives as {whole:?}"
        );
    }
}
