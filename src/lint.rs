//! The pipeline: inputs → decoded sources → DOM + model → findings.

use crate::check;
use crate::decode::{self, InputKind};
use crate::error::InputError;
use crate::finding::{Finding, Severity};
use crate::limits::Limits;
use crate::model::{self, Message};
use crate::source::Source;
use crate::xml::{self, Document};
use serde::Serialize;
use std::io::Read;

/// One message that decoded and parsed, with its findings.
#[derive(Debug)]
pub struct Linted {
    /// 0-based position among all messages of the run.
    pub index: usize,
    /// 0-based input it came from.
    pub input: usize,
    pub source: Source,
    pub doc: Document,
    pub model: Message,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputStatus {
    Linted,
    Skipped,
    Failed,
}

#[derive(Debug)]
pub struct InputReport {
    pub index: usize,
    pub name: String,
    pub kind: InputKind,
    pub status: InputStatus,
    /// Everything that could not be linted in this input (the input as a whole, or single messages).
    pub errors: Vec<InputError>,
    pub messages: usize,
    pub entries: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Run {
    pub inputs: Vec<InputReport>,
    pub messages: Vec<Linted>,
}

impl Run {
    pub fn errors(&self) -> impl Iterator<Item = &InputError> {
        self.inputs.iter().flat_map(|i| i.errors.iter())
    }
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
    pub fn count(&self, sev: Severity) -> usize {
        self.messages
            .iter()
            .flat_map(|m| &m.findings)
            .filter(|f| f.severity == sev)
            .count()
    }
    pub fn max_severity(&self) -> Option<Severity> {
        self.messages
            .iter()
            .flat_map(|m| &m.findings)
            .map(|f| f.severity)
            .max()
    }
}

/// Parse a decoded source into the DOM and the typed model.
pub fn parse_source(src: &Source, limits: &Limits) -> Result<(Document, Message), InputError> {
    match xml::parse(&src.text, limits) {
        Ok(doc) => {
            let m = model::build(&doc);
            Ok((doc, m))
        }
        Err((kind, span)) => Err(InputError::at(&src.origin, kind, src.text.clone(), span)),
    }
}

/// Decode and parse every input; `lint` decides whether findings are computed (not for `decode`).
pub fn run(args: &[String], stdin: &mut dyn Read, limits: &Limits, lint: bool) -> Run {
    let mut run = Run::default();
    for (i, arg) in args.iter().enumerate() {
        let loaded = decode::load(arg, i, stdin, limits);
        let mut report = InputReport {
            index: i,
            name: loaded.name.clone(),
            kind: loaded.kind,
            status: InputStatus::Linted,
            errors: loaded.error.into_iter().collect(),
            messages: 0,
            entries: loaded.entries,
        };
        for msg in loaded.messages {
            let parsed = msg.and_then(|src| parse_source(&src, limits).map(|(d, m)| (src, d, m)));
            match parsed {
                Ok((source, doc, model)) => {
                    let findings = if lint {
                        check::check(&doc, &model)
                    } else {
                        Vec::new()
                    };
                    report.messages += 1;
                    run.messages.push(Linted {
                        index: run.messages.len(),
                        input: i,
                        source,
                        doc,
                        model,
                        findings,
                    });
                }
                Err(e) => report.errors.push(e),
            }
        }
        if !report.errors.is_empty() {
            report.status = InputStatus::Failed;
        }
        run.inputs.push(report);
    }
    run
}
