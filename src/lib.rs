//! samlint: a linter for SAML single sign-on.
//!
//! The pipeline: [`decode`] turns inputs (pasted values, files, HAR captures) into decoded [`source`]s;
//! [`xml`] pre-scans and parses them into a DOM with byte spans; [`model`] gives the typed SAML view;
//! [`check`] produces [`finding`]s; [`predict`] says what an SP would answer; [`report`] renders them. Library code returns typed errors
//! ([`error::InputError`]); only [`cli`] renders them.

// No unsafe code, except the one FFI declaration the optional libxmlsec1 verifier needs.
#![cfg_attr(not(feature = "xmlsec"), forbid(unsafe_code))]
#![cfg_attr(feature = "xmlsec", deny(unsafe_code))]

pub mod adopt;
pub mod check;
pub mod cli;
pub mod config;
pub mod decode;
pub mod decrypt;
pub mod error;
pub mod finding;
pub mod fix;
pub mod keycloak;
pub mod limits;
pub mod lint;
pub mod model;
pub mod predict;
pub mod profile;
pub mod registry;
pub mod report;
pub mod rules;
pub mod source;
pub mod tree;
pub mod util;
pub mod verify;
pub mod xml;
