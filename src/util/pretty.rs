//! The one JSON writer of samlint's output: serde_json's pretty layout (two spaces a level) with the
//! escapes of [`super::json_string_fragment`]'s rules, written straight into a byte buffer.
//!
//! serde_json's own serializer scans every string for the bytes JSON must escape and hands the runs
//! between them to a formatter, which scanned them again for what a terminal or a CI log must not
//! see: two passes over every string and several calls per key. This serializer makes one pass over
//! a string and writes a struct's fixed keys with their punctuation at once. Its output is byte for
//! byte what `serde_json::Serializer::with_formatter(.., SafeJson)` wrote (the tests below compare
//! the two on every kind of value and on the reports of every fixture).

use serde::ser::{self, Serialize};
use std::fmt::Display;

/// Why a value could not be written (a Serialize impl failed, or a map key is not a string).
#[derive(Debug)]
pub struct Error(String);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

fn key_must_be_a_string() -> Error {
    Error("key must be a string".into())
}

type Result<T = ()> = std::result::Result<T, Error>;

/// The writer: where the JSON goes, how deep it is, and whether the innermost array or object open
/// has a value yet (serde_json's `PrettyFormatter` keeps the same one flag, not a stack).
pub struct Pretty<'a> {
    out: &'a mut Vec<u8>,
    depth: usize,
    has_value: bool,
}

impl<'a> Pretty<'a> {
    /// A writer into `out` of a value that sits `depth` levels deep in a larger document.
    pub fn new(out: &'a mut Vec<u8>, depth: usize) -> Self {
        Pretty {
            out,
            depth,
            has_value: false,
        }
    }

    /// A comma unless `first`, a line break and the indent of the current depth.
    fn newline(&mut self, first: bool) {
        const SPACES: &[u8] =
            b",\n                                                                ";
        let from = usize::from(first);
        match SPACES.get(from..2 * self.depth + 2) {
            Some(s) => self.out.extend_from_slice(s),
            None => {
                self.out.extend_from_slice(&SPACES[from..2]);
                (0..self.depth).for_each(|_| self.out.extend_from_slice(b"  "));
            }
        }
    }
    fn open(&mut self, c: u8) {
        self.depth += 1;
        self.has_value = false;
        self.out.push(c);
    }
    fn close(&mut self, c: u8) {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.newline(true);
        }
        self.out.push(c);
    }
    /// A quoted, escaped string.
    fn string(&mut self, s: &str) {
        self.out.push(b'"');
        super::json_string_contents(self.out, s);
        self.out.push(b'"');
    }
    /// A key of an object being written, its quotes and the `: ` after it.
    fn key(&mut self, first: bool, key: &str) {
        self.newline(first);
        self.string(key);
        self.out.extend_from_slice(b": ");
    }
    fn display(&mut self, v: impl Display) {
        use std::io::Write as _;
        // Writing to a Vec cannot fail.
        let _ = write!(self.out, "{v}");
    }
    /// A string made by `Display`: each piece it writes is escaped on its own, as serde_json's
    /// `collect_str` does (so `##[` is found within a piece, not across two).
    fn collect(&mut self, v: &(impl Display + ?Sized)) -> Result {
        struct Pieces<'b>(&'b mut Vec<u8>);
        impl std::fmt::Write for Pieces<'_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                super::json_string_contents(self.0, s);
                Ok(())
            }
        }
        self.out.push(b'"');
        std::fmt::Write::write_fmt(&mut Pieces(self.out), format_args!("{v}"))
            .map_err(|_| Error("a Display implementation failed".into()))?;
        self.out.push(b'"');
        Ok(())
    }
    /// A finite float as serde_json writes it (ryu's shortest form), a NaN or infinity as `null`.
    fn float(&mut self, v: f64, single: bool) -> Result {
        let s = if single {
            serde_json::to_string(&(v as f32))
        } else {
            serde_json::to_string(&v)
        };
        self.out
            .extend_from_slice(s.map_err(ser::Error::custom)?.as_bytes());
        Ok(())
    }
}

/// Where an array or object is in its values.
#[derive(PartialEq, Eq, Clone, Copy)]
enum State {
    /// Closed already: its length said it was empty.
    Empty,
    First,
    Rest,
}

pub struct Compound<'b, 'a> {
    ser: &'b mut Pretty<'a>,
    state: State,
}

impl<'b, 'a> ser::Serializer for &'b mut Pretty<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'b, 'a>;
    type SerializeTuple = Compound<'b, 'a>;
    type SerializeTupleStruct = Compound<'b, 'a>;
    type SerializeTupleVariant = Compound<'b, 'a>;
    type SerializeMap = Compound<'b, 'a>;
    type SerializeStruct = Compound<'b, 'a>;
    type SerializeStructVariant = Compound<'b, 'a>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.display(v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.float(f64::from(v), true)
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.float(v, false)
    }
    fn serialize_char(self, v: char) -> Result {
        self.string(v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        self.open(b'[');
        for (i, b) in v.iter().enumerate() {
            self.newline(i == 0);
            self.display(b);
            self.has_value = true;
        }
        self.close(b']');
        Ok(())
    }
    fn serialize_none(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> Result {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _name: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        v: &T,
    ) -> Result {
        self.open(b'{');
        self.key(true, variant);
        v.serialize(&mut *self)?;
        self.has_value = true;
        self.close(b'}');
        Ok(())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'b, 'a>> {
        self.open(b'[');
        let state = if len == Some(0) {
            self.close(b']');
            State::Empty
        } else {
            State::First
        };
        Ok(Compound { ser: self, state })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'b, 'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'b, 'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'b, 'a>> {
        self.open(b'{');
        self.key(true, variant);
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'b, 'a>> {
        self.open(b'{');
        let state = if len == Some(0) {
            self.close(b'}');
            State::Empty
        } else {
            State::First
        };
        Ok(Compound { ser: self, state })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'b, 'a>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'b, 'a>> {
        self.open(b'{');
        self.key(true, variant);
        self.serialize_map(Some(len))
    }
    fn collect_str<T: ?Sized + Display>(self, v: &T) -> Result {
        self.collect(v)
    }
}

impl Compound<'_, '_> {
    fn element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        self.ser.newline(self.state == State::First);
        self.state = State::Rest;
        v.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        Ok(())
    }
    fn end_array(&mut self) {
        if self.state != State::Empty {
            self.ser.close(b']');
        }
    }
    fn end_object(&mut self) {
        if self.state != State::Empty {
            self.ser.close(b'}');
        }
    }
    /// The end of the object a variant's name opened.
    fn end_variant(&mut self) {
        self.ser.has_value = true;
        self.ser.close(b'}');
    }
    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result {
        self.ser.key(self.state == State::First, key);
        self.state = State::Rest;
        v.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(mut self) -> Result {
        self.end_array();
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(mut self) -> Result {
        self.end_array();
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(mut self) -> Result {
        self.end_array();
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(mut self) -> Result {
        self.end_array();
        self.end_variant();
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result {
        self.ser.newline(self.state == State::First);
        self.state = State::Rest;
        k.serialize(MapKey(&mut *self.ser))
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        self.ser.out.extend_from_slice(b": ");
        v.serialize(&mut *self.ser)?;
        self.ser.has_value = true;
        Ok(())
    }
    fn end(mut self) -> Result {
        self.end_object();
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result {
        self.field(key, v)
    }
    fn end(mut self) -> Result {
        self.end_object();
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, v: &T) -> Result {
        self.field(key, v)
    }
    fn end(mut self) -> Result {
        self.end_object();
        self.end_variant();
        Ok(())
    }
}

/// A map's key, as serde_json takes one: a string, or a number or bool written as a string.
struct MapKey<'b, 'a>(&'b mut Pretty<'a>);

impl MapKey<'_, '_> {
    fn quoted(self, v: impl Display) -> Result {
        self.0.out.push(b'"');
        self.0.display(v);
        self.0.out.push(b'"');
        Ok(())
    }
    fn quoted_float(self, v: f64, single: bool) -> Result {
        if !v.is_finite() {
            return Err(Error("float key must be finite".into()));
        }
        self.0.out.push(b'"');
        self.0.float(v, single)?;
        self.0.out.push(b'"');
        Ok(())
    }
}

impl ser::Serializer for MapKey<'_, '_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result {
        self.0.string(v);
        Ok(())
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> Result {
        self.0.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _name: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_bool(self, v: bool) -> Result {
        self.quoted(v)
    }
    fn serialize_i8(self, v: i8) -> Result {
        self.quoted(v)
    }
    fn serialize_i16(self, v: i16) -> Result {
        self.quoted(v)
    }
    fn serialize_i32(self, v: i32) -> Result {
        self.quoted(v)
    }
    fn serialize_i64(self, v: i64) -> Result {
        self.quoted(v)
    }
    fn serialize_i128(self, v: i128) -> Result {
        self.quoted(v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        self.quoted(v)
    }
    fn serialize_u16(self, v: u16) -> Result {
        self.quoted(v)
    }
    fn serialize_u32(self, v: u32) -> Result {
        self.quoted(v)
    }
    fn serialize_u64(self, v: u64) -> Result {
        self.quoted(v)
    }
    fn serialize_u128(self, v: u128) -> Result {
        self.quoted(v)
    }
    fn serialize_f32(self, v: f32) -> Result {
        self.quoted_float(f64::from(v), true)
    }
    fn serialize_f64(self, v: f64) -> Result {
        self.quoted_float(v, false)
    }
    fn serialize_char(self, v: char) -> Result {
        self.0.string(v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _v: &T,
    ) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_must_be_a_string())
    }
    fn collect_str<T: ?Sized + Display>(self, v: &T) -> Result {
        self.0.collect(v)
    }
}

#[cfg(test)]
mod tests {
    use crate::util::{json_pretty_at, json_pretty_serde};
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// Both writers, at several depths: the same bytes.
    fn same<T: Serialize + ?Sized>(v: &T) {
        for depth in [0, 1, 2, 31, 32, 33, 40] {
            assert_eq!(
                json_pretty_at(v, depth),
                json_pretty_serde(v, depth),
                "depth {depth}"
            );
        }
    }

    /// Characters that each escape rule is about, and their neighbours.
    const CHARS: [char; 32] = [
        'a',
        ' ',
        '#',
        '[',
        ']',
        '"',
        '\\',
        '/',
        '\u{0}',
        '\u{8}',
        '\u{9}',
        '\u{a}',
        '\u{b}',
        '\u{c}',
        '\u{d}',
        '\u{1b}',
        '\u{1f}',
        '\u{7e}',
        '\u{7f}',
        '\u{80}',
        '\u{85}',
        '\u{9f}',
        '\u{a0}',
        'é',
        '\u{ad}',
        '\u{200b}',
        '\u{202e}',
        '\u{2028}',
        '中',
        '\u{feff}',
        '😀',
        '\u{e0061}',
    ];

    /// A string of `n` characters drawn from [`CHARS`], from a xorshift state.
    fn string(state: &mut u64, n: usize) -> String {
        (0..n)
            .map(|_| {
                *state ^= *state << 13;
                *state ^= *state >> 7;
                *state ^= *state << 17;
                CHARS[(*state % CHARS.len() as u64) as usize]
            })
            .collect()
    }

    #[test]
    fn strings_escape_as_serde_json_with_the_safe_formatter() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for n in (0..80).chain([127, 128, 129, 200, 1000]) {
            for _ in 0..40 {
                let s = string(&mut state, n);
                same(&s);
                same(&serde_json::json!({ s.clone(): [s.clone(), {"k": s}] }));
            }
        }
        for s in [
            "##[",
            "###[",
            "x##[warning]y",
            "##[##[",
            "#[",
            "##",
            "#\"#[",
            "a#\u{1b}#[",
            "printable ascii only, a long one that goes past sixty-four bytes of text ##[ at the end",
            "printable ascii only, a long one that goes past sixty-four bytes of text # # [ at the end",
            "printable ascii only, a long one that goes past sixty-four bytes of text \u{7f} at the end",
        ] {
            same(s);
            same(&s.repeat(5));
        }
    }

    #[derive(Serialize)]
    enum E {
        Unit,
        Newtype(Vec<u32>),
        Tuple(u8, String),
        EmptyTuple(),
        Struct { a: Option<u32>, b: &'static str },
        EmptyStruct {},
    }

    #[derive(Serialize)]
    #[serde(tag = "type")]
    enum Tagged {
        One { x: u32 },
        Two,
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Newtype(String);

    #[derive(Serialize)]
    struct Skips {
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<u32>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        b: Vec<u32>,
    }

    #[derive(Serialize)]
    struct Flat {
        k: u32,
        #[serde(flatten)]
        inner: BTreeMap<String, u32>,
    }

    /// A string written by `Display` in pieces: `#` and `#[` apart are no `##[` to serde_json.
    struct Pieces(&'static [&'static str]);
    impl std::fmt::Display for Pieces {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.iter().try_for_each(|p| f.write_str(p))
        }
    }
    impl Serialize for Pieces {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(self)
        }
    }

    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    enum KeyVariant {
        K,
    }

    #[test]
    fn every_kind_of_value_lays_out_as_serde_json() {
        same(&E::Unit);
        same(&E::Newtype(vec![1, 2]));
        same(&E::Newtype(vec![]));
        same(&E::Tuple(7, "t".into()));
        same(&E::EmptyTuple());
        same(&E::Struct { a: None, b: "##[" });
        same(&E::EmptyStruct {});
        same(&vec![E::Unit, E::Newtype(vec![3])]);
        same(&[Tagged::One { x: 1 }, Tagged::Two]);
        same(&Unit);
        same(&Newtype("n\u{202e}".into()));
        same(&Skips { a: None, b: vec![] });
        same(&Skips {
            a: Some(1),
            b: vec![2],
        });
        same(&Flat {
            k: 1,
            inner: BTreeMap::from([("x".to_string(), 2)]),
        });
        same(&Flat {
            k: 1,
            inner: BTreeMap::new(),
        });
        same(&Pieces(&["a#", "#[b", "##[", "\u{1b}", "c"]));
        same(&BTreeMap::from([(
            Newtype("k".into()),
            Pieces(&["#", "#["]),
        )]));
        same(&serde_bytes_like());
        same(&('x', '\u{7f}', '"'));
        same(&(i8::MIN, i16::MIN, i32::MIN, i64::MIN, i128::MIN));
        same(&(u8::MAX, u16::MAX, u32::MAX, u64::MAX, u128::MAX));
        same(&(0.1f64, -2.5e300f64, f64::NAN, f64::INFINITY, 1.0f32, 0.3f32));
        same(&(true, false, (), None::<u32>, Some(Some(3u8))));
        same(&BTreeMap::from([(1u32, "a"), (2, "b")]));
        same(&BTreeMap::from([(-1i64, 0u8)]));
        same(&BTreeMap::from([(true, 0u8)]));
        same(&BTreeMap::from([('c', 0u8)]));
        same(&BTreeMap::from([(KeyVariant::K, 0u8)]));
        same(&BTreeMap::from([(Some(1u8), 0u8)]));
        let empty: BTreeMap<String, u8> = BTreeMap::new();
        same(&empty);
        same(&Vec::<u8>::new());
        same(&[[[(); 0]; 1]; 2]);
        same(&serde_json::json!([
            0.5,
            1e100,
            -0.0,
            12345678901234567890u64,
            -5
        ]));
    }

    /// A map whose keys cannot be JSON keys: both writers fail (an empty string).
    #[test]
    fn keys_that_are_no_strings_fail_in_both() {
        /// A map of float keys (a finite one is written quoted, a NaN fails).
        struct Floats(f64);
        impl Serialize for Floats {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut m = s.serialize_map(None)?;
                m.serialize_entry(&1.5f64, &1u8)?;
                m.serialize_entry(&0.25f32, &2u8)?;
                m.serialize_entry(&self.0, &3u8)?;
                m.end()
            }
        }
        same(&Floats(2.0));
        same(&Floats(f64::NAN));
        assert_eq!(json_pretty_at(&Floats(f64::NAN), 0), "");
        let bad = [(vec![1u8], 1u8)].into_iter().collect::<BTreeMap<_, _>>();
        assert_eq!(json_pretty_at(&bad, 0), "");
        same(&bad);
        let none = BTreeMap::from([(None::<u8>, 1u8)]);
        same(&none);
        let unit = BTreeMap::from([((), 1u8)]);
        same(&unit);
    }

    /// Bytes as serde writes `&[u8]` through `serialize_bytes`.
    fn serde_bytes_like() -> impl Serialize {
        struct Bytes(&'static [u8]);
        impl Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        (Bytes(b""), Bytes(b"\x00\xff"))
    }
}
