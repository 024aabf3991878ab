//! `--jq`: a jq filter run in-process on the JSON a command prints (jaq, no `jq` needed).
//! Each result is one line: a string as its text (as `gh --jq` and `jq -r` print it), any
//! other value as compact JSON.

use std::io::{self, Write};

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, compile, data, load};
use jaq_json::Val;

/// The filter a program compiles to.
type Filter = jaq_core::compile::Filter<jaq_core::Native<data::JustLut<Val>>>;

/// Compiles `expr`, or says what is wrong with it and where.
fn compile(expr: &str, then: impl FnOnce(&Filter) -> io::Result<()>) -> Result<io::Result<()>, String> {
    let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
    let funs = jaq_core::funs().chain(jaq_std::funs()).chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(&arena, File { code: expr, path: () })
        .map_err(|errors| errors.into_iter().flat_map(|(_, e)| load_error(e)).collect::<Vec<_>>().join("; "))?;
    let filter = Compiler::default().with_funs(funs).compile(modules).map_err(|errors| {
        errors
            .into_iter()
            .flat_map(|(_, e)| e)
            .map(|(name, undefined)| compile_error(name, &undefined))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    Ok(then(&filter))
}

/// `Ok` when `expr` is a jq program jaq can run; otherwise what is wrong with it.
pub(crate) fn check(expr: &str) -> Result<(), String> {
    compile(expr, |_| Ok(())).map(|_| ())
}

/// Runs `expr` on the JSON document `input` and writes each result on its own line.
/// `clean` shows control and format characters in strings as `\u{..}` escapes (stdout is a
/// terminal); otherwise strings are written exactly.
pub(crate) fn run(expr: &str, input: &[u8], out: &mut dyn Write, clean: bool) -> io::Result<()> {
    let input =
        jaq_json::read::parse_single(input).map_err(|e| io::Error::other(format!("--jq: the JSON input: {e}")))?;
    let written = compile(expr, |filter| {
        let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
        for result in filter.id.run((ctx, input)) {
            let value = match result {
                Ok(value) => value,
                Err(exn) => match exn.get_err() {
                    Ok(error) => return Err(io::Error::other(format!("--jq: {error}"))),
                    // `halt`: the filter ends its output.
                    Err(_) => break,
                },
            };
            let line = match &value {
                Val::TStr(text) => String::from_utf8_lossy(text).into_owned(),
                other => other.to_string(),
            };
            let line = if clean { crate::sanitize::clean(&line) } else { line };
            writeln!(out, "{line}")?;
        }
        out.flush()
    });
    written.map_err(|e| io::Error::other(format!("--jq: {e}")))?
}

fn load_error(error: load::Error<&str>) -> Vec<String> {
    match error {
        load::Error::Io(errors) => errors.into_iter().map(|(path, e)| format!("cannot load {path:?}: {e}")).collect(),
        load::Error::Lex(errors) => errors
            .into_iter()
            .map(|(expect, found)| format!("expected {}, found {}", lex_expect(&expect), near(found)))
            .collect(),
        load::Error::Parse(errors) => errors
            .into_iter()
            .map(|(expect, found)| format!("expected {}, found {}", expect.as_str(), near(found)))
            .collect(),
    }
}

fn lex_expect(expect: &load::lex::Expect<&str>) -> &'static str {
    use load::lex::Expect;
    match expect {
        // `as_str` knows only these delimiters (it panics on others).
        Expect::Delim("(" | "[" | "{" | "\"")
        | Expect::Digit
        | Expect::Ident
        | Expect::Escape
        | Expect::Unicode
        | Expect::Token => expect.as_str(),
        _ => "something else",
    }
}

fn compile_error(name: &str, undefined: &compile::Undefined) -> String {
    format!("undefined {} {name}", undefined.as_str())
}

/// The text where an error was found, cut short, or the end of the filter.
fn near(found: &str) -> String {
    if found.is_empty() {
        return "the end of the filter".into();
    }
    let mut cut: String = found.chars().take(20).collect();
    if cut.len() < found.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(expr: &str, input: &str) -> Result<String, String> {
        let mut out = Vec::new();
        run(expr, input.as_bytes(), &mut out, false).map_err(|e| e.to_string())?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn results_one_per_line_strings_raw() {
        let input = r#"[{"email":"a@x","n":1},{"email":"b@x","n":null}]"#;
        let cases = [
            (".[].email", "a@x\nb@x\n"),
            (".[].n", "1\nnull\n"),
            ("length", "2\n"),
            (".[0]", "{\"email\":\"a@x\",\"n\":1}\n"),
            ("map(.email) | join(\",\")", "a@x,b@x\n"),
            ("empty", ""),
            ("halt", ""),
        ];
        for (expr, want) in cases {
            assert_eq!(filter(expr, input).as_deref(), Ok(want), "{expr}");
        }
    }

    #[test]
    fn bad_filters_say_why() {
        for expr in [".[", "nosuchfn", ".a |", "$x", "\"\\q\"", "(", "{"] {
            let e = check(expr).expect_err(expr);
            assert!(!e.is_empty(), "{expr}");
        }
        assert!(check(".[] | select(.n > 0) | .email").is_ok());
        assert!(filter(".a.b", "[1]").is_err(), "a runtime error is an error");
    }
}
