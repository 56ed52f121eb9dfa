//! The profile: one span-carrying tree with the same shape whether it came from a captured SAML message
//! or from a Keycloak client (what that client would emit). Rule packs select from it, so a rule such as
//! "the NameID must be an email address" is written once and fires on both, each finding pointing at
//! its own source. The fields are documented in docs/profile.md, the contract user packs depend on.

use crate::finding::{Arg, Msg};
use crate::keycloak::{self, Mapper};
use crate::model::{Message, MessageKind};
use crate::msg;
use crate::source::Span;
use crate::tree::{Node, Value};
use crate::util::trim_xml_space;

pub const CLAIMS: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";

/// Attribute names that carry group or role memberships.
pub fn is_group_name(name: &str) -> bool {
    let n = name
        .rsplit(['/', ':'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    matches!(
        n.as_str(),
        "member" | "memberof" | "groups" | "group" | "role" | "roles" | "groupmembership"
    )
}

/// The NameID kind of a response: what Keycloak's `saml_name_id_format` would have to be to send it.
fn name_id_kind(format: Option<&str>, value: &str) -> &'static str {
    match format {
        Some(f) if f.ends_with(":transient") => "transient",
        Some(f) if f.ends_with(":persistent") => "persistent",
        _ if crate::rules::functions::is_email(value) => "email",
        _ => "username",
    }
}

fn val(v: &Option<crate::model::Val>) -> Option<Node> {
    v.as_ref().map(|v| Node::str(v.value.clone(), Some(v.span)))
}

/// Mark the profile as Atlassian Cloud's when its SP entity ID, ACS or (clients) a redirect URI is on
/// auth.atlassian.com: `sp.atlassian_cloud`, which packs and rules use to decide whether they apply.
fn mark_atlassian(p: &mut Node) {
    let on = |n: Option<&Node>| n.and_then(Node::as_str).is_some_and(on_atlassian);
    let Some(sp) = p.get("sp") else { return };
    // A redirect URI marks it only on Atlassian's SAML host: a client of another SP may well list
    // its users' Atlassian site (review 61: `https://acme.atlassian.net/*` there made a client of
    // sp.example.com an Atlassian one, with three false errors).
    let hit = [sp.get("entity_id"), sp.get("acs_url")]
        .into_iter()
        .find(|n| on(*n))
        .flatten()
        .or_else(|| {
            sp.get("redirect_uris").and_then(|l| {
                l.items().iter().find(|n| {
                    n.as_str()
                        .is_some_and(|s| host_of(s).eq_ignore_ascii_case("auth.atlassian.com"))
                })
            })
        });
    let flag = Node::bool(hit.is_some(), hit.and_then(|n| n.span));
    let mut sp = sp.clone();
    sp.set("atlassian_cloud", flag);
    p.set("sp", sp);
}

/// Does `s` name Atlassian Cloud's SAML host, however its scheme is written or if it is left out (review
/// 31: `auth.atlassian.com/saml/…` and `HTTPS://…` skipped the pack whose ATL001 reports exactly that),
/// or an Atlassian Cloud site (`https://acme.atlassian.net`: the site's URL entered where Atlassian's
/// SP entity URL and ACS belong, review 60; the pack then says so)? Host names are case-insensitive.
fn on_atlassian(s: &str) -> bool {
    let host = host_of(s);
    host.eq_ignore_ascii_case("auth.atlassian.com")
        || host
            .len()
            .checked_sub(".atlassian.net".len())
            .filter(|&i| i > 0)
            .and_then(|i| host.get(i..))
            .is_some_and(|t| t.eq_ignore_ascii_case(".atlassian.net"))
}

/// The host of a URL however its scheme is written or if it is left out, without user info, port or
/// a final dot.
fn host_of(s: &str) -> &str {
    let s = s.trim();
    let rest = ["https://", "http://"]
        .iter()
        .find(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
        .and_then(|p| s.get(p.len()..))
        .unwrap_or(s);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.split(':').next().unwrap_or(host).trim_end_matches('.')
}

/// Project a SAML message (Response or AuthnRequest); its source says whether it came over the Redirect
/// binding and whether that binding's query carried a Signature.
pub fn from_message(m: &Message, source: &crate::source::Source) -> Node {
    // DEFLATE-encoded, or carried in a URL's query that was not POSTed: the Redirect binding.
    let redirect = source.inflated() || source.carrier() == crate::source::Carrier::Query;
    let query_signed = source.binding.signature.is_some();
    let mut p = Node::map(Some(m.span)).with(
        "source",
        Node::str(
            match m.kind {
                MessageKind::AuthnRequest => "authn-request",
                MessageKind::Response => "saml-response",
                _ => "saml-message",
            },
            None,
        ),
    );
    let issuer = m
        .issuer
        .as_ref()
        .or_else(|| m.assertions.first().and_then(|a| a.issuer.as_ref()))
        .map(|i| Node::str(trim_xml_space(&i.value.value), Some(i.value.span)));
    p.set("idp", Node::map(None).with_opt("entity_id", issuer.clone()));
    if m.kind == MessageKind::AuthnRequest {
        let r = m.authn_request.as_ref();
        let sp = Node::map(None)
            .with_opt("entity_id", issuer)
            .with("entity_id_from", Node::str("issuer", None))
            .with_opt(
                "acs_url",
                r.and_then(|r| val(&r.assertion_consumer_service_url)),
            )
            .with(
                "acs_from",
                Node::str("assertion-consumer-service-url", None),
            );
        p.set("sp", sp);
        p.set(
            "request",
            Node::map(Some(m.span))
                .with(
                    "signed",
                    Node::bool(!m.signatures.is_empty() || query_signed, Some(m.start_tag)),
                )
                .with_opt(
                    "name_id_policy_format",
                    r.and_then(|r| val(&r.name_id_policy_format)),
                )
                .with_opt("protocol_binding", r.and_then(|r| val(&r.protocol_binding))),
        );
        p.set("binding", Node::map(None).with_all(transport(m, source)));
        mark_atlassian(&mut p);
        return p;
    }
    let a = m.assertions.first();
    let audience = a
        .and_then(|a| a.conditions.as_ref())
        .and_then(|c| c.audience_restrictions.iter().flatten().next())
        .map(|t| Node::str(trim_xml_space(&t.value), Some(t.span)));
    let recipient = a
        .and_then(|a| a.subject.as_ref())
        .and_then(|s| s.confirmations.iter().find_map(|c| c.data.as_ref()))
        .and_then(|d| val(&d.recipient));
    p.set(
        "sp",
        Node::map(None)
            .with_opt("entity_id", audience)
            .with("entity_id_from", Node::str("audience", None))
            .with(
                "acs_from",
                Node::str(
                    if m.destination.is_some() {
                        "destination"
                    } else {
                        "recipient"
                    },
                    None,
                ),
            )
            // A logout message's Destination is a logout endpoint, never the ACS (review 36:
            // ATL002 called an IdP's LogoutRequest Destination "the Response's Destination").
            .with_opt(
                "acs_url",
                (m.kind == MessageKind::Response)
                    .then(|| val(&m.destination).or(recipient))
                    .flatten(),
            ),
    );
    if let Some(s) = &m.status {
        p.set(
            "status",
            Node::map(Some(s.span)).with_opt("code", val(&s.code)).with(
                "sub_codes",
                Node::list(
                    s.sub_codes
                        .iter()
                        .map(|c| Node::str(c.value.clone(), Some(c.span)))
                        .collect(),
                    Some(s.span),
                ),
            ),
        );
    }
    if let Some(n) = a
        .and_then(|a| a.subject.as_ref())
        .and_then(|s| s.name_id.as_ref())
    {
        let value = trim_xml_space(&n.value.value).to_string();
        let kind = name_id_kind(n.format.as_ref().map(|f| f.value.as_str()), &value);
        p.set(
            "name_id",
            Node::map(Some(n.span))
                .with_opt("format", val(&n.format))
                .with("kind", Node::str(kind, Some(n.value.span)))
                .with("value", Node::str(value, Some(n.value.span))),
        );
    }
    let name_id_value = p
        .path(&["name_id", "value"])
        .and_then(Node::as_str)
        .map(str::to_ascii_lowercase);
    let attrs: Vec<Node> = a
        .map(|a| a.attributes.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|at| {
            let name = at
                .name
                .as_ref()
                .map(|n| n.value.clone())
                .unwrap_or_default();
            let values: Vec<Node> = at
                .values
                .iter()
                .map(|v| Node::str(trim_xml_space(&v.value.value), Some(v.value.span)))
                .collect();
            let first = values.first().and_then(Node::as_str).unwrap_or_default();
            let is_email = name_id_value.as_deref().is_some_and(|n| {
                crate::rules::functions::is_email(n) && first.eq_ignore_ascii_case(n)
            });
            let group = is_group_name(&name);
            let slash = at
                .values
                .iter()
                .find(|v| trim_xml_space(&v.value.value).starts_with('/'));
            let mut node = Node::map(Some(at.span))
                .with_opt("name", val(&at.name))
                .with_opt("name_format", val(&at.name_format))
                .with_opt("friendly_name", val(&at.friendly_name))
                .with("group", Node::bool(group, at.name.as_ref().map(|n| n.span)));
            if is_email {
                node.set(
                    "source",
                    Node::str("email", values.first().and_then(|v| v.span)),
                );
            }
            if group {
                node.set(
                    "full_path",
                    Node::bool(
                        slash.is_some(),
                        slash.map(|v| v.value.span).or(Some(at.span)),
                    ),
                );
            }
            node.with("values", Node::list(values, Some(at.span)))
        })
        .collect();
    if a.is_some() {
        p.set("attributes", Node::list(attrs, a.map(|a| a.span)));
    }
    let first_sig = m
        .signatures
        .first()
        .or_else(|| a.and_then(|a| a.signature.as_ref()));
    let mut signing = Node::map(None)
        .with(
            "response",
            Node::bool(
                !m.signatures.is_empty(),
                Some(m.signatures.first().map_or(m.start_tag, |s| s.span)),
            ),
        )
        .with(
            "assertion",
            Node::bool(
                a.is_some_and(|a| a.signature.is_some()),
                a.map(|a| a.signature.as_ref().map_or(a.start_tag, |s| s.span)),
            ),
        );
    // The certificate each signature on the Response or its assertion carries, as an SP that pins
    // the thumbprint reads it (Atlassian Cloud's library: the first X509Certificate anywhere below
    // the first KeyInfo; review 59), once per certificate.
    let mut certs: Vec<Node> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for sig in m
        .signatures
        .iter()
        .chain(m.assertions.iter().filter_map(|a| a.signature.as_ref()))
    {
        let Some(c) = sig.library_certificate.as_ref() else {
            continue;
        };
        let der = crate::predict::auth0::cert_base64(&c.first_node);
        let sha1 = crate::verify::cert::colon_hex(&crate::predict::auth0::sha1(&der));
        if seen.contains(&sha1) {
            continue;
        }
        seen.push(sha1.clone());
        let subject = crate::verify::cert::info(&der)
            .ok()
            .map(|i| i.subject.clone());
        // The start of the base64 value: findings point there, not at kilobytes of it.
        let at = Span::new(c.span.start, c.span.end.min(c.span.start + 8));
        certs.push(
            Node::map(Some(at))
                .with("sha1", Node::str(sha1, Some(at)))
                .with_opt("subject", subject.map(|s| Node::str(s, Some(at)))),
        );
    }
    if !certs.is_empty() {
        signing = signing.with("certificates", Node::list(certs, None));
    }
    if let Some(si) = first_sig.and_then(|s| s.signed_info.as_ref()) {
        signing = signing
            .with_opt("algorithm", val(&si.signature_method))
            .with_opt(
                "digest",
                si.references.first().and_then(|r| val(&r.digest_method)),
            )
            .with_opt("canonicalization", val(&si.c14n_method));
    }
    p.set("signing", signing);
    p.set(
        "encryption",
        Node::map(None).with(
            "assertion",
            Node::bool(
                !m.encrypted_assertions.is_empty() || m.decrypted.is_some(),
                m.encrypted_assertions
                    .first()
                    .map(|e| e.start_tag)
                    .or(m.decrypted),
            ),
        ),
    );
    p.set(
        "binding",
        Node::map(None)
            .with(
                "response",
                Node::str(
                    if redirect { "redirect" } else { "post" },
                    Some(m.start_tag),
                ),
            )
            .with_all(transport(m, source)),
    );
    p.set(
        "unsolicited",
        Node::bool(m.in_response_to.is_none(), Some(m.start_tag)),
    );
    mark_atlassian(&mut p);
    p
}

/// How the parameter that carried a message was encoded on the way (CORE004-CORE006), for a request as
/// for a response.
fn transport(m: &Message, source: &crate::source::Source) -> [(&'static str, Node); 3] {
    let at = Some(m.start_tag);
    [
        ("plus_unescaped", Node::bool(source.plus_unescaped(), at)),
        ("not_base64", Node::bool(source.not_base64(), at)),
        (
            "redirect_not_deflated",
            Node::bool(source.redirect_not_deflated(), at),
        ),
    ]
}

/// Where a finding about an absent client setting points: the `attributes` key, else the client object.
fn absent_span(client: &Node) -> Option<Span> {
    keycloak::key_span(client, "attributes").or(client.span)
}

/// A client attribute as a profile node: its value and span, or (absent) Keycloak's runtime default with
/// a note.
fn setting(client: &Node, key: &str, default: &str) -> Node {
    match keycloak::attr(client, key) {
        Some(n) => n.clone(),
        None => Node::str(default, absent_span(client)).note(msg!(
            "`{}` is not set; Keycloak's runtime default is `{}`",
            Arg::plain(key),
            Arg::plain(default)
        )),
    }
}

/// A boolean client setting, as Keycloak reads it ([`keycloak::is_true`]).
fn flag(client: &Node, key: &str) -> Node {
    match keycloak::attr(client, key) {
        Some(n) => {
            let mut b = Node::bool(keycloak::is_true(n), n.span);
            let written = matches!(n.as_str(), Some("true" | "false"))
                || matches!(n.value, crate::tree::Value::Bool(_));
            if !written {
                b.note = Some(msg!(
                    "`{}` is {}, which Keycloak reads as false (only the string \"true\" is true)",
                    Arg::plain(key),
                    Arg::value(n.scalar_text().unwrap_or_else(|| n.type_name().into()))
                ));
            }
            b
        }
        None => Node::bool(false, absent_span(client)).note(msg!(
            "`{}` is not set; Keycloak reads that as false",
            Arg::plain(key)
        )),
    }
}

/// Project a Keycloak client (what it would emit). `realm` is the realm export it sits in, if any.
pub fn from_client(client: &Node, realm: Option<&Node>) -> Node {
    from_client_in(client, realm, &keycloak::Scopes::new(realm))
}

/// [`from_client`] with the realm's client scopes indexed once for all its clients.
pub fn from_client_in<'a>(
    client: &'a Node,
    realm: Option<&'a Node>,
    scopes: &keycloak::Scopes<'a>,
) -> Node {
    let mut p = Node::map(client.span).with("source", Node::str("keycloak-client", None));
    let post = keycloak::attr(client, "saml_assertion_consumer_url_post")
        .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()));
    let acs_from = if post.is_some() {
        "assertion-consumer-service-post"
    } else {
        "admin-url"
    };
    let acs = post.cloned().or_else(|| {
        client
            .get("adminUrl")
            .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
            .map(|n| {
                n.clone().note(
                    "from adminUrl (Master SAML Processing URL), the fallback ACS of every binding",
                )
            })
    });
    p.set(
        "sp",
        Node::map(client.span)
            .with_opt("entity_id", client.get("clientId").cloned())
            .with("entity_id_from", Node::str("client-id", None))
            .with_opt("acs_url", acs)
            .with("acs_from", Node::str(acs_from, None))
            .with_opt("redirect_uris", client.get("redirectUris").cloned())
            .with_opt("root_url", client.get("rootUrl").cloned()),
    );
    let realm_name = realm
        .and_then(|r| r.get("realm"))
        .and_then(Node::as_str)
        .map(str::to_string);
    p.set(
        "idp",
        Node::map(None).with(
            "entity_id",
            Node::unknown(match &realm_name {
                Some(r) => msg!(
                    "https://<keycloak-host>/realms/{} (the host is not in the export)",
                    Arg::text(r)
                ),
                None => msg!("the realm URL is not in a single-client export"),
            }),
        ),
    );
    let fmt = setting(client, "saml_name_id_format", "username");
    let (urn, kind) = keycloak::name_id_format(fmt.as_str());
    let mut format = Node::str(urn, fmt.span);
    let mut kind_node = Node::str(kind, fmt.span);
    if let Some(n) = &fmt.note {
        format.note = Some(n.clone());
        kind_node.note = Some(n.clone());
    }
    let (mappers, unresolved) = keycloak::mappers_in(client, realm, scopes);
    // A NameID mapper for this format decides the value (SamlProtocol.getSAMLNameId asks the client's
    // `saml-user-attribute-nameid-mapper`s first; UserAttributeNameIdMapper answers when its
    // `mapper.nameid.format` is the format in effect). Review 31: a mapper sending the username under
    // the email format passed, and one sending the email under the username format was an error.
    // Several for the format: Keycloak's mapper set has no order that decides among them (review 32),
    // so any that does not send the email is what the NameID may be.
    let nameid: Vec<(&keycloak::Mapper, Option<&str>)> = mappers
        .iter()
        .filter_map(|m| {
            let get = |k: &str| m.node.get("config").and_then(|c| c.get(k));
            (m.node.get("protocolMapper").and_then(Node::as_str)
                == Some("saml-user-attribute-nameid-mapper")
                && get("mapper.nameid.format").and_then(Node::as_str) == Some(urn))
            .then(|| (m, get("user.attribute").and_then(Node::as_str)))
        })
        .collect();
    if let Some(&(m, attribute)) = nameid
        .iter()
        .find(|(_, a)| *a != Some("email"))
        .or(nameid.first())
    {
        let span = m.node.span.or(fmt.span);
        kind_node = match attribute {
            Some("email") => Node::str("email", span),
            Some("username") => Node::str("username", span),
            Some(other) => Node::str(format!("attribute {other}"), span),
            None => Node::str("value of a mapper that names no attribute", span),
        }
        .note(msg!(
            "the NameID mapper `{}` ({}) sends the user attribute `{}` for this format{}",
            Arg::text(m.node.get("name").and_then(Node::as_str).unwrap_or("?")),
            Arg::plain(&m.from),
            Arg::text(attribute.unwrap_or("?")),
            Arg::plain(if nameid.len() > 1 {
                "; the client has several for it, and Keycloak may use any"
            } else {
                ""
            })
        ));
    }
    p.set(
        "name_id",
        Node::map(fmt.span)
            .with("format", format)
            .with("kind", kind_node)
            .with("forced", flag(client, "saml_force_name_id_format"))
            .with(
                "value",
                Node::unknown("a client export does not say which user logs in"),
            ),
    );
    let no_roles = no_roles_in_scope(client, realm, &mappers, scopes);
    let attrs: Vec<Node> = mappers
        .iter()
        .filter(|m| {
            !(no_roles
                && m.node.get("protocolMapper").and_then(Node::as_str)
                    == Some("saml-role-list-mapper"))
        })
        .filter_map(mapper_attribute)
        .collect();
    let mappers_span = keycloak::key_span(client, "protocolMappers")
        .or_else(|| client.get("protocolMappers").and_then(|m| m.span))
        .or(client.span);
    let mut list = Node::list(attrs, mappers_span);
    let mut notes: Vec<Msg> = Vec::new();
    if !unresolved.is_empty() {
        notes.push(msg!(
            "mappers of the client scopes {} are not in this export and were not inspected",
            Arg::text(unresolved.join(", "))
        ));
    }
    if no_roles {
        notes.push(msg!(
            "the role-list mapper sends no Role attribute: fullScopeAllowed is false and the realm export \
             maps no role into this client's scope"
        ));
    }
    let mut notes = notes.into_iter();
    if let Some(mut note) = notes.next() {
        for more in notes {
            note.push(msg!("; "));
            note.push(more);
        }
        list.note = Some(note);
    }
    p.set("attributes", list);
    let alg = setting(client, "saml.signature.algorithm", "RSA_SHA256");
    let mut alg_node = match alg.as_str().and_then(keycloak::signature_algorithm) {
        Some(u) => Node::str(u, alg.span),
        None => Node::str(alg.as_str().unwrap_or_default(), alg.span),
    };
    alg_node.note = alg.note.clone();
    p.set(
        "signing",
        Node::map(None)
            .with("response", flag(client, "saml.server.signature"))
            .with("assertion", flag(client, "saml.assertion.signature"))
            .with("algorithm", alg_node)
            .with(
                "canonicalization",
                setting(
                    client,
                    "saml_signature_canonicalization_method",
                    "http://www.w3.org/2001/10/xml-exc-c14n#",
                ),
            ),
    );
    p.set(
        "encryption",
        Node::map(None).with("assertion", flag(client, "saml.encrypt")),
    );
    let post = flag(client, "saml.force.post.binding");
    let artifact = flag(client, "saml.artifact.binding");
    let binding = if artifact.value == Value::Bool(true) {
        Node::str("artifact", artifact.span)
    } else if post.value == Value::Bool(true) {
        Node::str("post", post.span)
    } else {
        let mut n = Node::str("request", post.span);
        let mut note = post
            .note
            .clone()
            .unwrap_or_else(|| msg!("`saml.force.post.binding` is not \"true\""));
        note.push(msg!(
            ": the response uses the binding the request asked for"
        ));
        n.note = Some(note);
        n
    };
    p.set("binding", Node::map(None).with("response", binding));
    p.set(
        "keycloak",
        Node::map(client.span)
            .with("client_signature", flag(client, "saml.client.signature"))
            .with(
                "enabled",
                match client.get("enabled") {
                    Some(n) => Node::bool(keycloak::representation_flag(n) != Some(false), n.span),
                    None => Node::bool(true, client.span),
                },
            ),
    );
    p.set(
        "idp_initiated",
        Node::map(None)
            .with_opt(
                "url_name",
                keycloak::attr(client, "saml_idp_initiated_sso_url_name")
                    .filter(|n| n.as_str().is_some_and(|s| !s.is_empty()))
                    .cloned(),
            )
            .with_opt(
                "relay_state",
                keycloak::attr(client, "saml_idp_initiated_sso_relay_state").cloned(),
            ),
    );
    mark_atlassian(&mut p);
    p
}

/// Does a role-list mapper of this client send nothing? With `fullScopeAllowed: false` Keycloak puts
/// only the roles in the client's scope into the Role attribute, and leaves the attribute out when there
/// are none (a real Keycloak 26.7 response, tests/keycloak.rs). Only a realm export shows the scope: the
/// client's own roles and the scope mappings of the client and of its default client scopes. A single
/// client export does not, so there the attribute is kept.
fn no_roles_in_scope<'a>(
    client: &'a Node,
    realm: Option<&'a Node>,
    mappers: &[Mapper],
    index: &keycloak::Scopes<'a>,
) -> bool {
    let Some(realm) = realm else { return false };
    if client
        .get("fullScopeAllowed")
        .and_then(keycloak::representation_flag)
        != Some(false)
    {
        return false;
    }
    if mappers.iter().any(|m| {
        m.node.get("protocolMapper").and_then(Node::as_str) == Some("saml-hardcode-role-mapper")
    }) {
        return false;
    }
    let Some(id) = client.get("clientId").and_then(Node::as_str) else {
        return false;
    };
    let scopes = crate::keycloak::client_default_scopes(client, Some(realm), index);
    let in_scope = |e: &Node| {
        e.get("client").and_then(Node::as_str) == Some(id)
            || e.get("clientScope")
                .and_then(Node::as_str)
                .is_some_and(|s| scopes.contains(s))
    };
    let mapped = realm
        .get("scopeMappings")
        .is_some_and(|l| l.items().iter().any(in_scope))
        || realm
            .get("clientScopeMappings")
            .is_some_and(|m| match &m.value {
                Value::Map(owners) => owners.iter().any(|o| o.node.items().iter().any(in_scope)),
                _ => true,
            });
    let own_roles = realm
        .path(&["roles", "client", id])
        .is_some_and(|l| !l.items().is_empty());
    !mapped && !own_roles
}

/// The attribute a mapper adds to the assertion, if any.
fn mapper_attribute(m: &Mapper) -> Option<Node> {
    let kind = m.node.get("protocolMapper").and_then(Node::as_str)?;
    let cfg = m.node.get("config");
    let get = |k: &str| cfg.and_then(|c| c.get(k));
    // A property UserModel has no getter for (`givenName`, a missing `user.attribute`) reads as null,
    // and the mapper sends nothing (ProtocolMapperUtils.getUserModelValue; KC030 says so).
    if kind == "saml-user-property-mapper"
        && !get("user.attribute")
            .and_then(Node::as_str)
            .is_some_and(keycloak::is_user_property)
    {
        return None;
    }
    let (default_name, source) = match kind {
        "saml-user-property-mapper" | "saml-user-attribute-mapper" => (
            None,
            get("user.attribute")
                .and_then(Node::as_str)
                .map(str::to_string),
        ),
        "saml-group-membership-mapper" => (Some("member"), Some("groups".to_string())),
        "saml-role-list-mapper" => (Some("Role"), Some("roles".to_string())),
        "saml-hardcode-attribute-mapper" => (None, Some("hardcoded".to_string())),
        "saml-user-session-note-mapper" => (None, Some("session-note".to_string())),
        "saml-javascript-mapper" => (None, Some("script".to_string())),
        _ => return None,
    };
    let name = match get("attribute.name") {
        Some(n) => n.clone(),
        None => Node::str(default_name?, m.node.span).note(msg!(
            "`attribute.name` is not set; {} uses `{}`",
            Arg::plain(kind),
            Arg::plain(default_name?)
        )),
    };
    let name_str = name.as_str().unwrap_or_default().to_string();
    let nf = get("attribute.nameformat");
    let (urn, known) = keycloak::name_format(nf.and_then(Node::as_str));
    let mut name_format = Node::str(urn, nf.and_then(|n| n.span).or(m.node.span));
    if !known {
        name_format.note = Some(msg!(
            "`attribute.nameformat` is `{}`, which Keycloak does not know and replaces with Basic",
            Arg::value(nf.and_then(Node::as_str).unwrap_or_default())
        ));
    }
    let group = kind == "saml-group-membership-mapper"
        || kind == "saml-role-list-mapper"
        || is_group_name(&name_str);
    let mut node = Node::map(m.node.span)
        .with("name", name)
        .with("name_format", name_format)
        .with_opt("friendly_name", get("friendly.name").cloned())
        .with(
            "mapper",
            Node::str(kind, m.node.get("protocolMapper").and_then(|n| n.span)),
        )
        .with("from", Node::str(m.from.clone(), None))
        .with("group", Node::bool(group, m.node.span))
        .with(
            "values",
            Node::unknown("values depend on the user who logs in"),
        );
    if let Some(s) = source {
        let span = get("user.attribute").and_then(|n| n.span).or(m.node.span);
        node.set("source", Node::str(s, span));
    }
    if kind == "saml-group-membership-mapper" {
        // GroupMembershipMapper: full paths only when `full.path` is exactly "true".
        let fp = get("full.path");
        node.set(
            "full_path",
            Node::bool(
                fp.is_some_and(keycloak::is_true),
                fp.and_then(|n| n.span).or(m.node.span),
            ),
        );
        // `single` is read with Boolean.parseBoolean, which ignores case (review 52: "TRUE" was read
        // as false), unlike `full.path`.
        if let Some(s) = get("single") {
            let single = s.as_str().is_some_and(|v| v.eq_ignore_ascii_case("true"))
                || matches!(s.value, Value::Bool(true));
            node.set("single", Node::bool(single, s.span));
        }
    }
    Some(node)
}

/// Replace every span of a tree from another source by a note naming its place (`file:line:column`):
/// a paired client's profile sits inside a message's profile, and findings must never point into the
/// wrong text.
fn relocate(n: &mut Node, text: &str, file: &str) {
    if let Some(s) = n.span.take() {
        let (l, c) = crate::source::line_col(text, s.start);
        // The file is named on the command line; its name is redacted like any input name.
        let mut note = msg!("{}:{}:{}", Arg::text(file), Arg::plain(l), Arg::plain(c));
        if let Some(old) = n.note.take() {
            note.push(msg!(": "));
            note.push(old);
        }
        n.note = Some(note);
    }
    match &mut n.value {
        Value::List(l) => l.iter_mut().for_each(|i| relocate(i, text, file)),
        Value::Map(m) => m.iter_mut().for_each(|e| relocate(&mut e.node, text, file)),
        _ => {}
    }
}

/// Pair a message's profile with the Keycloak client it belongs to (`--keycloak`): the client's profile
/// goes under `client` (its places as notes), `client_lookup` says `found` or `none`, and for an
/// AuthnRequest `request_acs` holds the request's ACS with the client's redirect URIs (what Keycloak
/// validates).
pub fn pair(p: &mut Node, client: Option<(&Node, &str, &str)>) {
    let Some((cp, text, file)) = client else {
        p.set("client_lookup", Node::str("none", p.span));
        return;
    };
    let mut c = cp.clone();
    relocate(&mut c, text, file);
    if p.get("source").and_then(Node::as_str) == Some("authn-request") {
        let acs = p.path(&["sp", "acs_url"]).cloned();
        if let Some(acs) = acs {
            let uris = c
                .path(&["sp", "redirect_uris"])
                .cloned()
                .unwrap_or_else(|| Node::list(Vec::new(), None));
            p.set(
                "request_acs",
                Node::map(acs.span)
                    .with("acs_url", acs)
                    .with("redirect_uris", uris)
                    .with_opt("root_url", c.path(&["sp", "root_url"]).cloned()),
            );
        }
    }
    p.set("client_lookup", Node::str("found", p.span));
    p.set("client", c);
}

#[cfg(test)]
mod tests {
    /// Atlassian Cloud's SAML host and its sites, however the URL is written; no look-alike host.
    #[test]
    fn atlassian_hosts() {
        for yes in [
            "https://auth.atlassian.com/saml/x",
            "HTTPS://AUTH.ATLASSIAN.COM",
            "auth.atlassian.com/saml/x",
            "https://acme.atlassian.net",
            "https://acme.Atlassian.NET/login/callback?x=1",
            "https://acme.atlassian.net:443/",
            "https://acme.atlassian.net./",
        ] {
            assert!(super::on_atlassian(yes), "{yes}");
        }
        for no in [
            "https://atlassian.net",
            "https://evilatlassian.net",
            "https://acme.atlassian.net.evil.example",
            "https://evil.example/acme.atlassian.net",
            "https://auth.atlassian.com.evil.example",
            "https://sp.example.com?x=acme.atlassian.net",
        ] {
            assert!(!super::on_atlassian(no), "{no}");
        }
    }

    use super::*;
    use crate::tree::parse_json;

    #[test]
    fn client_projection_reads_keycloak_defaults() {
        let c = parse_json(
            r#"{"clientId":"https://auth.atlassian.com/saml/x","protocol":"saml","attributes":{"saml.server.signature":"True","saml.assertion.signature":true},
               "protocolMappers":[{"protocol":"saml","protocolMapper":"saml-group-membership-mapper","config":{"attribute.name":"groups","full.path":"true"}}]}"#,
        )
        .unwrap();
        let p = from_client(&c, None);
        assert_eq!(
            p.path(&["name_id", "kind"]).and_then(Node::as_str),
            Some("username")
        );
        assert!(p.path(&["name_id", "kind"]).unwrap().note.is_some());
        // "True" is read as false, with a note; a JSON boolean as Keycloak's import stores it (the
        // string "true"), without one (review 31).
        let rs = p.path(&["signing", "response"]).unwrap();
        assert_eq!(rs.value, Value::Bool(false));
        let ra = p.path(&["signing", "assertion"]).unwrap();
        assert_eq!(ra.value, Value::Bool(true));
        assert!(ra.note.is_none());
        assert!(
            rs.note
                .as_ref()
                .unwrap()
                .to_string()
                .contains("reads as false")
        );
        let a = &p.get("attributes").unwrap().items()[0];
        assert_eq!(a.get("full_path").unwrap().value, Value::Bool(true));
        assert_eq!(a.get("group").unwrap().value, Value::Bool(true));
    }

    #[test]
    fn role_list_sends_nothing_without_roles_in_scope() {
        let realm = |full: bool, mappings: &str| {
            parse_json(&format!(
                r#"{{"realm":"r","scopeMappings":[{mappings}],
                   "clientScopes":[{{"name":"role_list","protocol":"saml","protocolMappers":[
                     {{"name":"role list","protocol":"saml","protocolMapper":"saml-role-list-mapper","config":{{"single":"false"}}}}]}}],
                   "clients":[{{"clientId":"c","protocol":"saml","fullScopeAllowed":{full},"defaultClientScopes":["role_list"]}}]}}"#
            ))
            .unwrap()
        };
        let names = |r: &Node| {
            let c = &r.get("clients").unwrap().items()[0];
            let p = from_client(c, Some(r));
            let l = p.get("attributes").unwrap();
            let n: Vec<String> = l
                .items()
                .iter()
                .filter_map(|a| a.get("name").and_then(Node::as_str).map(str::to_string))
                .collect();
            (
                n,
                l.note.as_ref().map(|m| m.to_string()).unwrap_or_default(),
            )
        };
        // Full scope: every role of the user, in a Role attribute.
        assert_eq!(names(&realm(true, "")).0, ["Role"]);
        // No full scope and nothing mapped into it: no Role attribute, and a note says why.
        let (n, note) = names(&realm(
            false,
            r#"{"clientScope":"offline_access","roles":["x"]}"#,
        ));
        assert!(
            n.is_empty() && note.contains("fullScopeAllowed is false"),
            "{n:?} {note}"
        );
        // A role mapped into the client's scope (directly, or through its role_list scope): kept.
        assert_eq!(
            names(&realm(false, r#"{"client":"c","roles":["x"]}"#)).0,
            ["Role"]
        );
        assert_eq!(
            names(&realm(
                false,
                r#"{"clientScope":"role_list","roles":["x"]}"#
            ))
            .0,
            ["Role"]
        );
        // A single-client export does not show the scope: kept.
        let c = parse_json(
            r#"{"clientId":"c","protocol":"saml","fullScopeAllowed":false,"protocolMappers":[
               {"name":"role list","protocol":"saml","protocolMapper":"saml-role-list-mapper"}]}"#,
        )
        .unwrap();
        assert_eq!(
            from_client(&c, None)
                .get("attributes")
                .unwrap()
                .items()
                .len(),
            1
        );
    }
}
