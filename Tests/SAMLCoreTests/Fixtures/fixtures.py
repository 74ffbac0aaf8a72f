#!/usr/bin/env python3
"""Helper for make-fixtures.sh (SAML test fixtures for SAMLCore).

Sub-commands:
  certs KEYDIR                 self-signed certificates for every keys/*.key lacking a .crt
  templates OUTDIR KEYDIR      write the unsigned response templates, encryption templates
                               and the XSLT stylesheet into OUTDIR
  metadata OUTDIR KEYDIR       write the IdP metadata fixtures into OUTDIR
  retrieval-method IN OUT      move EncryptedData/KeyInfo/EncryptedKey to a sibling of
                               EncryptedData and reference it with a ds:RetrievalMethod
  crosscheck FIXDIR            second opinion: verify/decrypt the outputs with signxml and
                               `cryptography` (exit 3 = skipped, those packages missing)
  restore-text IN OUT TEMPLATE re-insert comments/CDATA sections that xmlsec1's parser
                               dropped (they are outside the canonical form, so the
                               signature stays valid; the script re-verifies)

The signing and encryption themselves are done by the xmlsec1 command-line tool.
Only the standard library is needed, except `certs`, which needs `cryptography`.
"""
import datetime
import os
import re
import sys

IDP = "https://sso.jumpcloud.com/saml2/kisi"
SSO = "https://sso.jumpcloud.com/saml2/kisi"
SP = "https://kisi.example/saml/metadata"
ACS = "https://kisi.example/saml/acs"
EVIL_ISSUER = "https://evil.example/saml2/kisi"
EVIL_ACS = "https://evil.example/saml/acs"
EVIL_SP = "https://evil.example/saml/metadata"

NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
NS_XENC = "http://www.w3.org/2001/04/xmlenc#"
NS_XS = "http://www.w3.org/2001/XMLSchema"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS_MD = "urn:oasis:names:tc:SAML:2.0:metadata"

PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
URI_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
SENDER_VOUCHES = "urn:oasis:names:tc:SAML:2.0:cm:sender-vouches"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
REQUESTER = "urn:oasis:names:tc:SAML:2.0:status:Requester"
PPT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
XSLT = "http://www.w3.org/TR/1999/REC-xslt-19991116"
XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
HMAC_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"

AES128_CBC = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
AES256_GCM = "http://www.w3.org/2009/xmlenc11#aes256-gcm"
TRIPLEDES = "http://www.w3.org/2001/04/xmlenc#tripledes-cbc"
RSA_OAEP_MGF1P = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
RSA_1_5 = "http://www.w3.org/2001/04/xmlenc#rsa-1_5"

# Times (tests use now = 2026-01-01T00:01:00Z)
BASE_TIMES = {
    "issue": datetime.datetime(2026, 1, 1, 0, 0, 0),
    "not_before": datetime.datetime(2025, 12, 31, 23, 59, 0),
    "not_on_or_after": datetime.datetime(2026, 1, 1, 0, 5, 0),
    "scd_not_on_or_after": datetime.datetime(2026, 1, 1, 0, 5, 0),
}


def ts(d):
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


def times(shift_days=0):
    return {k: ts(v + datetime.timedelta(days=shift_days)) for k, v in BASE_TIMES.items()}


# ---------------------------------------------------------------- signatures

def signature(ref_uris, *, sig_method=RSA_SHA256, digest=SHA256, c14n=EXC_C14N,
              transforms=None, inclusive_prefixes=None, keyinfo="x509", indent="    "):
    """An xmlsec1 signature template (empty DigestValue/SignatureValue/X509Certificate)."""
    if isinstance(ref_uris, str):
        ref_uris = [ref_uris]
    if transforms is None:
        if inclusive_prefixes:
            transforms = [
                f'<ds:Transform Algorithm="{ENVELOPED}"/>',
                f'<ds:Transform Algorithm="{EXC_C14N}">'
                f'<ec:InclusiveNamespaces xmlns:ec="{EXC_C14N}" PrefixList="{inclusive_prefixes}"/>'
                f'</ds:Transform>',
            ]
        else:
            transforms = [
                f'<ds:Transform Algorithm="{ENVELOPED}"/>',
                f'<ds:Transform Algorithm="{c14n}"/>',
            ]
    i = indent
    refs = []
    for uri in ref_uris:
        t = "".join(f"\n{i}        {x}" for x in transforms)
        refs.append(
            f'{i}    <ds:Reference URI="{uri}">\n'
            f'{i}      <ds:Transforms>{t}\n'
            f'{i}      </ds:Transforms>\n'
            f'{i}      <ds:DigestMethod Algorithm="{digest}"/>\n'
            f'{i}      <ds:DigestValue></ds:DigestValue>\n'
            f'{i}    </ds:Reference>\n'
        )
    if keyinfo == "x509":
        ki = (f'{i}  <ds:KeyInfo>\n{i}    <ds:X509Data>\n{i}      <ds:X509Certificate></ds:X509Certificate>\n'
              f'{i}    </ds:X509Data>\n{i}  </ds:KeyInfo>\n')
    else:
        ki = ""
    return (
        f'{i}<ds:Signature xmlns:ds="{NS_DS}">\n'
        f'{i}  <ds:SignedInfo>\n'
        f'{i}    <ds:CanonicalizationMethod Algorithm="{c14n}"/>\n'
        f'{i}    <ds:SignatureMethod Algorithm="{sig_method}"/>\n'
        + "".join(refs) +
        f'{i}  </ds:SignedInfo>\n'
        f'{i}  <ds:SignatureValue></ds:SignatureValue>\n'
        + ki +
        f'{i}</ds:Signature>\n'
    )


# ---------------------------------------------------------------- assertions

EPTID = "urn:oid:1.3.6.1.4.1.5923.1.1.1.10"  # eduPersonTargetedID
ADFS_EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
ADFS_GIVEN = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"
ADFS_SURNAME = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname"

DEFAULT_ATTRS = [
    ("email", ["alice@example.com"]),
    ("firstname", ["Alice"]),
    ("lastname", ["Liddell"]),
    ("groups", ["Engineering", "Staff"]),
]

PADDING_ATTRS = [
    ("displayname", ["Alice Liddell"]),
    ("username", ["alice.liddell"]),
    ("jobTitle", ["Site Reliability Engineer"]),
    ("department", ["Platform Engineering"]),
    ("location", ["Berlin Office"]),
]


def attr_value(v, indent):
    return f'{indent}<saml:AttributeValue xsi:type="xs:string">{v}</saml:AttributeValue>\n'


def attribute_statement(attrs, name_formats=None, raw_values=None, indent="    "):
    name_formats = name_formats or {}
    raw_values = raw_values or {}
    i = indent
    out = f"{i}<saml:AttributeStatement>\n"
    for name, values in attrs:
        fmt = name_formats.get(name, BASIC)
        out += f'{i}  <saml:Attribute Name="{name}" NameFormat="{fmt}">\n'
        if name in raw_values:
            out += f"{i}    {raw_values[name]}\n"
        else:
            for v in values:
                out += attr_value(v, i + "    ")
        out += f"{i}  </saml:Attribute>\n"
    out += f"{i}</saml:AttributeStatement>\n"
    return out


def assertion(*, id="_assert-1", sig=None, issuer=IDP, nameid="alice@example.com",
              recipient=ACS, method=BEARER, t=None, audiences=((SP,),), one_time_use=False,
              attrs=DEFAULT_ATTRS, name_formats=None, raw_values=None, in_response_to=None,
              declare_xs=True, nameid_format=PERSISTENT):
    t = t or times()
    sig_xml = signature(f"#{id}") if sig is True else (sig or "")
    xs = f' xmlns:xs="{NS_XS}" xmlns:xsi="{NS_XSI}"' if declare_xs else ""
    irt = f' InResponseTo="{in_response_to}"' if in_response_to else ""
    conds = ""
    for aud_list in audiences:
        conds += "      <saml:AudienceRestriction>\n"
        for a in aud_list:
            conds += f"        <saml:Audience>{a}</saml:Audience>\n"
        conds += "      </saml:AudienceRestriction>\n"
    if one_time_use:
        conds += "      <saml:OneTimeUse/>\n"
    return (
        f'  <saml:Assertion xmlns:saml="{NS_SAML}"{xs} ID="{id}" IssueInstant="{t["issue"]}" Version="2.0">\n'
        f'    <saml:Issuer>{issuer}</saml:Issuer>\n'
        + sig_xml +
        f'    <saml:Subject>\n'
        f'      <saml:NameID Format="{nameid_format}">{nameid}</saml:NameID>\n'
        f'      <saml:SubjectConfirmation Method="{method}">\n'
        f'        <saml:SubjectConfirmationData{irt} NotOnOrAfter="{t["scd_not_on_or_after"]}" Recipient="{recipient}"/>\n'
        f'      </saml:SubjectConfirmation>\n'
        f'    </saml:Subject>\n'
        f'    <saml:Conditions NotBefore="{t["not_before"]}" NotOnOrAfter="{t["not_on_or_after"]}">\n'
        + conds +
        f'    </saml:Conditions>\n'
        f'    <saml:AuthnStatement AuthnInstant="{t["issue"]}" SessionIndex="_session-1">\n'
        f'      <saml:AuthnContext>\n'
        f'        <saml:AuthnContextClassRef>{PPT}</saml:AuthnContextClassRef>\n'
        f'      </saml:AuthnContext>\n'
        f'    </saml:AuthnStatement>\n'
        + attribute_statement(attrs, name_formats, raw_values) +
        f'  </saml:Assertion>\n'
    )


def response(assertions, *, resp_sig=None, issuer=IDP, destination=ACS, in_response_to=None,
             status=SUCCESS, t=None, root_xs=False, encrypted=False):
    t = t or times()
    if isinstance(assertions, str):
        assertions = [assertions]
    dest = f' Destination="{destination}"' if destination else ""
    irt = f' InResponseTo="{in_response_to}"' if in_response_to else ""
    xs = f' xmlns:xs="{NS_XS}" xmlns:xsi="{NS_XSI}"' if root_xs else ""
    sig_xml = signature("#_resp-1", indent="  ") if resp_sig is True else (resp_sig or "")
    body = ""
    for a in assertions:
        if encrypted:
            a = "".join("  " + l if l.strip() else l for l in a.splitlines(True))
            body += f'  <saml:EncryptedAssertion>\n{a}  </saml:EncryptedAssertion>\n'
        else:
            body += a
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<samlp:Response xmlns:samlp="{NS_SAMLP}" xmlns:saml="{NS_SAML}"{xs}{dest} ID="_resp-1"{irt}'
        f' IssueInstant="{t["issue"]}" Version="2.0">\n'
        f'  <saml:Issuer>{issuer}</saml:Issuer>\n'
        + sig_xml +
        f'  <samlp:Status>\n'
        f'    <samlp:StatusCode Value="{status}"/>\n'
        f'  </samlp:Status>\n'
        + body +
        '</samlp:Response>\n'
    )


def response_templates():
    """name -> unsigned template text.  The signing recipe for each lives in make-fixtures.sh."""
    T = {}
    A = assertion
    R = response
    # --- basic signing variants
    T["assertion-signed"] = R(A(sig=True))
    T["response-signed"] = R(A(), resp_sig=True)
    T["both-signed"] = R(A(sig=True), resp_sig=True)
    T["assertion-signed-4096"] = R(A(sig=True, attrs=DEFAULT_ATTRS + PADDING_ATTRS))
    T["sp-initiated"] = R(A(sig=True, in_response_to="_req-1"), in_response_to="_req-1")
    T["rollover-next-key"] = R(A(sig=True))
    T["no-signature"] = R(A())
    # --- encrypted (EncryptedAssertion wrapper around the plaintext assertion;
    #     xmlsec1 --encrypt replaces the Assertion with EncryptedData)
    for name in ["encrypted-aes128-cbc", "encrypted-aes256-gcm", "encrypted-retrieval-method",
                 "encrypted-rsa15", "encrypted-3des", "encrypted-for-other-sp",
                 "encrypted-signed-by-attacker"]:
        T[name] = R(A(sig=True), encrypted=True)
    T["encrypted-unsigned-response-signed"] = R(A(), encrypted=True, resp_sig=True)
    T["encrypted-unsigned"] = R(A(), encrypted=True)
    # --- signature algorithms / attacks
    T["sha1-signed"] = R(A(sig=signature("#_assert-1", sig_method=RSA_SHA1, digest=SHA1)))
    T["sha1-digest-only"] = R(A(sig=signature("#_assert-1", sig_method=RSA_SHA256, digest=SHA1)))
    T["attacker-signed"] = R(A(sig=True))
    T["hmac-signed"] = R(A(sig=signature("#_assert-1", sig_method=HMAC_SHA256, keyinfo=None)))
    xslt_transform = (
        f'<ds:Transform Algorithm="{XSLT}">'
        '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0">'
        '<xsl:output method="xml" omit-xml-declaration="yes"/>'
        '<xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>'
        '</xsl:stylesheet></ds:Transform>')
    T["xslt-transform"] = R(A(sig=signature("#_assert-1", transforms=[
        f'<ds:Transform Algorithm="{ENVELOPED}"/>',
        f'<ds:Transform Algorithm="{EXC_C14N}"/>',
        xslt_transform,
    ])))
    T["xpath-transform"] = R(A(sig=signature("#_assert-1", transforms=[
        f'<ds:Transform Algorithm="{XPATH}"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>',
        f'<ds:Transform Algorithm="{EXC_C14N}"/>',
    ])))
    T["two-references"] = R(A(sig=signature(["#_assert-1", "#_resp-1"])))
    T["empty-uri"] = R(A(sig=signature("")))
    T["inclusive-c14n"] = R(A(sig=signature("#_assert-1", c14n=C14N)))
    T["exc-c14n-inclusive-namespaces"] = R(
        A(sig=signature("#_assert-1", inclusive_prefixes="xs"), declare_xs=False), root_xs=True)
    # --- protocol variants (all assertion-signed with the idp key)
    T["status-failure"] = R(A(sig=True), status=REQUESTER)
    T["wrong-issuer"] = R(A(sig=True, issuer=EVIL_ISSUER), issuer=EVIL_ISSUER)
    T["wrong-destination"] = R(A(sig=True), destination=EVIL_ACS)
    T["no-destination"] = R(A(sig=True), destination=None)
    T["wrong-audience"] = R(A(sig=True, audiences=((EVIL_SP,),)))
    T["two-audience-restrictions-one-wrong"] = R(A(sig=True, audiences=((SP,), (EVIL_SP,))))
    T["no-audience-restriction"] = R(A(sig=True, audiences=()))
    T["wrong-recipient"] = R(A(sig=True, recipient=EVIL_ACS))
    T["no-bearer"] = R(A(sig=True, method=SENDER_VOUCHES))
    T["expired"] = R(A(sig=True, t=times(-1)), t=times(-1))
    T["not-yet-valid"] = R(A(sig=True, t=times(+1)), t=times(+1))
    T["missing-email"] = R(A(sig=True, attrs=[a for a in DEFAULT_ATTRS if a[0] != "email"]))
    T["empty-email"] = R(A(sig=True, raw_values={"email": '<saml:AttributeValue xsi:type="xs:string"></saml:AttributeValue>'}))
    T["two-assertions"] = R([A(sig=True), A(id="_assert-2", sig=True)])
    T["one-time-use"] = R(A(sig=True, one_time_use=True))
    T["nameid-comment"] = R(A(sig=True, nameid="alice@example.com<!---->.evil.com"))
    T["nameid-cdata"] = R(A(sig=True, nameid="alice@<![CDATA[example.com]]>"))
    T["email-attr-comment"] = R(A(sig=True, raw_values={
        "email": '<saml:AttributeValue xsi:type="xs:string">alice@example.com<!---->.evil.com</saml:AttributeValue>'}))
    T["attribute-nameformat-uri"] = R(A(sig=True, name_formats={"email": URI_FORMAT}))
    # --- interop with other IdPs (issue 15)
    T["assertion-signed-1024"] = R(A(sig=True))
    T["missing-email-nameid-email-format"] = R(A(sig=True, nameid_format=EMAIL_FORMAT,
                                                 attrs=[a for a in DEFAULT_ATTRS if a[0] != "email"]))
    # Shibboleth: eduPersonTargetedID's value is a saml:NameID element; a second, plain value follows it.
    T["edu-person-targeted-id"] = R(A(sig=True, attrs=DEFAULT_ATTRS + [(EPTID, [])], name_formats={EPTID: URI_FORMAT},
        raw_values={EPTID: (
            '<saml:AttributeValue><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" '
            f'NameQualifier="{IDP}" SPNameQualifier="{SP}">3f7b3dcf-1674-4ecd-92c8-1544f346baf8</saml:NameID>'
            '</saml:AttributeValue><saml:AttributeValue xsi:type="xs:string">plain-second-value</saml:AttributeValue>')}))
    # ADFS / Azure AD: claims named by URI, no `email` attribute.
    T["adfs-claims"] = R(A(sig=True, attrs=[(ADFS_EMAIL, ["alice@example.com"]), (ADFS_GIVEN, ["Alice"]),
                                            (ADFS_SURNAME, ["Liddell"])],
                           name_formats={ADFS_EMAIL: URI_FORMAT, ADFS_GIVEN: URI_FORMAT, ADFS_SURNAME: URI_FORMAT}))
    return T


def enc_template(data_alg, kt_alg, *, x509_in_encrypted_key=False):
    oaep_digest = (f'\n        <ds:DigestMethod Algorithm="{SHA1}"/>\n      '
                   if kt_alg == RSA_OAEP_MGF1P else "")
    ek_keyinfo = ""
    if x509_in_encrypted_key:
        ek_keyinfo = ('      <ds:KeyInfo>\n        <ds:X509Data>\n          <ds:X509Certificate></ds:X509Certificate>\n'
                      '        </ds:X509Data>\n      </ds:KeyInfo>\n')
    text = (
        f'<xenc:EncryptedData xmlns:xenc="{NS_XENC}" Id="_enc-data-1" Type="http://www.w3.org/2001/04/xmlenc#Element">\n'
        f'  <xenc:EncryptionMethod Algorithm="{data_alg}"/>\n'
        f'  <ds:KeyInfo xmlns:ds="{NS_DS}">\n'
        f'    <xenc:EncryptedKey Id="_enc-key-1">\n'
        f'      <xenc:EncryptionMethod Algorithm="{kt_alg}">{oaep_digest}</xenc:EncryptionMethod>\n'
        + ek_keyinfo +
        f'      <xenc:CipherData>\n        <xenc:CipherValue></xenc:CipherValue>\n      </xenc:CipherData>\n'
        f'    </xenc:EncryptedKey>\n'
        f'  </ds:KeyInfo>\n'
        f'  <xenc:CipherData>\n    <xenc:CipherValue></xenc:CipherValue>\n  </xenc:CipherData>\n'
        f'</xenc:EncryptedData>\n'
    )
    # indented to sit inside saml:EncryptedAssertion in the output
    return "\n".join(("    " + l if n and l else l) for n, l in enumerate(text.split("\n")))


ENC_TEMPLATES = {
    "aes128-cbc-oaep": (AES128_CBC, RSA_OAEP_MGF1P, False),
    "aes256-gcm-oaep-x509": (AES256_GCM, RSA_OAEP_MGF1P, True),
    "aes128-cbc-rsa15": (AES128_CBC, RSA_1_5, False),
    "3des-oaep": (TRIPLEDES, RSA_OAEP_MGF1P, False),
}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def cmd_templates(outdir, keydir):
    for name, text in response_templates().items():
        write(os.path.join(outdir, "responses", name + ".xml"), text)
    for name, (d, k, x) in ENC_TEMPLATES.items():
        write(os.path.join(outdir, "encryption", name + ".xml"), enc_template(d, k, x509_in_encrypted_key=x))


# ---------------------------------------------------------------- metadata

def cert_b64(keydir, name):
    pem = open(os.path.join(keydir, name + ".crt"), encoding="ascii").read()
    m = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S)
    return "".join(m.group(1).split())


def key_descriptor(b64, use="signing", indent="    "):
    u = f' use="{use}"' if use else ""
    i = indent
    return (f'{i}<md:KeyDescriptor{u}>\n'
            f'{i}  <ds:KeyInfo xmlns:ds="{NS_DS}">\n'
            f'{i}    <ds:X509Data>\n'
            f'{i}      <ds:X509Certificate>{b64}</ds:X509Certificate>\n'
            f'{i}    </ds:X509Data>\n'
            f'{i}  </ds:KeyInfo>\n'
            f'{i}</md:KeyDescriptor>\n')


def entity(entity_id, key_descriptors, *, sso_url=SSO, sso=True, indent="", ns=True):
    i = indent
    nsdecl = f' xmlns:md="{NS_MD}"' if ns else ""
    services = ""
    if sso:
        services = (
            f'{i}    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="{sso_url}"/>\n'
            f'{i}    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso_url}"/>\n')
    kds = "".join(key_descriptor(b, u, indent=i + "    ") for b, u in key_descriptors)
    return (
        f'{i}<md:EntityDescriptor{nsdecl} entityID="{entity_id}">\n'
        f'{i}  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="{NS_SAMLP}">\n'
        + kds +
        f'{i}    <md:NameIDFormat>{EMAIL_FORMAT}</md:NameIDFormat>\n'
        + services +
        f'{i}  </md:IDPSSODescriptor>\n'
        f'{i}</md:EntityDescriptor>\n'
    )


def cmd_metadata(outdir, keydir):
    idp = cert_b64(keydir, "idp")
    nxt = cert_b64(keydir, "idp-next")
    big = cert_b64(keydir, "idp4096")
    small = cert_b64(keydir, "idp1024")
    att = cert_b64(keydir, "attacker")
    other = cert_b64(keydir, "sp-other")
    decl = '<?xml version="1.0" encoding="UTF-8"?>\n'
    write(os.path.join(outdir, "idp-metadata.xml"), decl + entity(IDP, [(idp, "signing")]))
    write(os.path.join(outdir, "idp-metadata-rollover.xml"),
          decl + entity(IDP, [(idp, "signing"), (nxt, "signing"), (att, "encryption")]))
    write(os.path.join(outdir, "idp-metadata-no-use.xml"), decl + entity(IDP, [(idp, None)]))
    write(os.path.join(outdir, "idp-metadata-4096.xml"), decl + entity(IDP, [(big, "signing")]))
    write(os.path.join(outdir, "idp-metadata-1024.xml"), decl + entity(IDP, [(small, "signing")]))
    write(os.path.join(outdir, "idp-metadata-no-signing-cert.xml"),
          decl + entity(IDP, [(idp, "encryption")]))
    write(os.path.join(outdir, "idp-metadata-no-sso.xml"),
          decl + entity(IDP, [(idp, "signing")], sso=False))
    write(os.path.join(outdir, "entities.xml"),
          decl + f'<md:EntitiesDescriptor xmlns:md="{NS_MD}" Name="https://federation.example/idps">\n'
          + entity("https://idp.other.example/saml2/other", [(other, "signing")],
                   sso_url="https://idp.other.example/saml2/other", indent="  ", ns=False)
          + entity(IDP, [(idp, "signing")], indent="  ", ns=False)
          + '</md:EntitiesDescriptor>\n')


# ---------------------------------------------------------------- certificates

CERT_NAMES = {
    "idp": "JumpCloud IdP kisi (test signing key)",
    "idp4096": "JumpCloud IdP kisi RSA-4096 (test signing key)",
    "idp1024": "Legacy IdP RSA-1024 (test signing key, as older IdPs still use)",
    "idp-next": "JumpCloud IdP kisi next (test rollover signing key)",
    "sp": "Kisi SP kisi.example (test encryption key)",
    "sp-other": "Other SP other.example (test encryption key)",
    "attacker": "Attacker evil.example (test key, never trusted)",
}


def cmd_certs(keydir):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID
    for name, cn in CERT_NAMES.items():
        crt = os.path.join(keydir, name + ".crt")
        if os.path.exists(crt):
            continue
        key = serialization.load_pem_private_key(open(os.path.join(keydir, name + ".key"), "rb").read(), None)
        subject = x509.Name([
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "KisiIdentity test fixtures"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ])
        # 5 years, covering the fixtures' clock (2026-01-01T00:01:00Z).
        not_before = datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc)
        not_after = datetime.datetime(2030, 6, 1, tzinfo=datetime.timezone.utc)
        serial = int.from_bytes(os.urandom(16), "big") >> 1
        cert = (x509.CertificateBuilder()
                .subject_name(subject).issuer_name(subject)
                .public_key(key.public_key()).serial_number(serial)
                .not_valid_before(not_before).not_valid_after(not_after)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                             key_encipherment=True, data_encipherment=False,
                                             key_agreement=False, key_cert_sign=False, crl_sign=False,
                                             encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256()))
        write(crt, cert.public_bytes(serialization.Encoding.PEM).decode("ascii"))
        print(f"created {crt}")


# ---------------------------------------------------------------- post-processing

def cmd_retrieval_method(src, dst):
    text = open(src, encoding="utf-8").read()
    m = re.search(r'(\n[ \t]*)<ds:KeyInfo xmlns:ds="[^"]+">\s*(<xenc:EncryptedKey Id="(_enc-key-1)">.*?</xenc:EncryptedKey>)\s*</ds:KeyInfo>',
                  text, re.S)
    if not m:
        sys.exit("retrieval-method: EncryptedData/KeyInfo/EncryptedKey not found")
    ki_indent = m.group(1)            # "\n" + indentation of EncryptedData/KeyInfo
    ek_id = m.group(3)
    ek = m.group(2)
    # EncryptedKey becomes a child of EncryptedAssertion (needs its own namespace declarations),
    # two levels (4 spaces) shallower than before.
    ek = ek.replace('<xenc:EncryptedKey Id=', f'<xenc:EncryptedKey xmlns:xenc="{NS_XENC}" xmlns:ds="{NS_DS}" Id=', 1)
    ek = re.sub(r"\n    ", "\n", ek)
    ek_indent = ki_indent[:-2]          # same level as EncryptedData
    # Name the EncryptedData it carries the key for (as OpenSAML does).
    ek = ek.replace("</xenc:EncryptedKey>",
                    f'  <xenc:ReferenceList>{ek_indent}    <xenc:DataReference URI="#_enc-data-1"/>'
                    f'{ek_indent}  </xenc:ReferenceList>{ek_indent}</xenc:EncryptedKey>')
    rm = (f'{ki_indent}<ds:KeyInfo xmlns:ds="{NS_DS}">'
          f'{ki_indent}  <ds:RetrievalMethod Type="http://www.w3.org/2001/04/xmlenc#EncryptedKey" URI="#{ek_id}"/>'
          f'{ki_indent}</ds:KeyInfo>')
    text = text[:m.start()] + rm + text[m.end():]
    # EncryptedKey goes right after EncryptedData inside EncryptedAssertion.
    end = text.index("</xenc:EncryptedData>") + len("</xenc:EncryptedData>")
    text = text[:end] + ek_indent + ek + text[end:]
    write(dst, text)


def cmd_restore_text(src, dst, template):
    """Put back comments and CDATA sections from the template into xmlsec1's output.

    xmlsec1 parses with XML_PARSE_NOCDATA (CDATA becomes text); comments are kept.  Both are
    invisible to exclusive c14n (without comments), so the signature is unaffected."""
    tpl = open(template, encoding="utf-8").read()
    text = open(src, encoding="utf-8").read()
    for m in re.finditer(r"<saml:(NameID|AttributeValue)([^>]*)>([^<]*(?:<!\[CDATA\[.*?\]\]>|<!--.*?-->)[^<]*)</saml:\1>", tpl):
        raw = m.group(3)
        flat = re.sub(r"<!\[CDATA\[(.*?)\]\]>", r"\1", raw)
        plain_forms = [flat, re.sub(r"<!--.*?-->", "", flat)]
        done = False
        for plain in plain_forms:
            old = f"<saml:{m.group(1)}{m.group(2)}>{plain}</saml:{m.group(1)}>"
            if old in text:
                text = text.replace(old, m.group(0), 1)
                done = True
                break
        if not done and m.group(0) not in text:
            sys.exit(f"restore-text: cannot find {m.group(0)!r} in {src}")
    write(dst, text)


# ---------------------------------------------------------------- second opinion

def cmd_crosscheck(fixdir):
    """Re-verify with a second, independent stack: signxml (lxml + cryptography) for signatures and
    a hand-written XML-Enc decryption on `cryptography`.  Skipped (exit 3) if they are missing."""
    import base64
    import warnings
    warnings.filterwarnings("ignore")
    try:
        from lxml import etree
        from signxml import XMLVerifier, SignatureConfiguration
        from cryptography.hazmat.primitives import serialization, hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError as e:
        print(f"crosscheck skipped: {e}")
        sys.exit(3)
    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    except ImportError:
        TripleDES = algorithms.TripleDES
    ns = {"saml": NS_SAML, "samlp": NS_SAMLP, "ds": NS_DS, "xenc": NS_XENC}
    os.chdir(fixdir)

    def cert(n):
        return open(f"keys/{n}.crt").read()

    def verify(node, c):
        node = etree.fromstring(etree.tostring(node))   # verify the element on its own
        return XMLVerifier().verify(node, x509_cert=cert(c), id_attribute="ID", expect_config=SignatureConfiguration(
            require_x509=False, ignore_ambiguous_key_info=True)).signed_xml

    def must_fail(node, c, what):
        try:
            verify(node, c)
        except Exception:
            return
        sys.exit(f"crosscheck: {what} unexpectedly verifies with {c}")

    def load(n):
        return etree.parse(f"responses/{n}.xml").getroot()

    def assertion(root, i=0):
        return root.findall(".//saml:Assertion", ns)[i]

    checks = [("assertion-signed", "idp", "A"), ("response-signed", "idp", "R"), ("both-signed", "idp", "A"),
              ("both-signed", "idp", "R"), ("assertion-signed-4096", "idp4096", "A"),
              ("rollover-next-key", "idp-next", "A"), ("sp-initiated", "idp", "A"),
              ("exc-c14n-inclusive-namespaces", "idp", "A"), ("two-assertions", "idp", "A"),
              ("attacker-signed", "attacker", "A"), ("encrypted-unsigned-response-signed", "idp", "R")]
    checks += [(n, "idp", "A") for n in [
        "status-failure", "wrong-issuer", "wrong-destination", "no-destination", "wrong-audience",
        "two-audience-restrictions-one-wrong", "no-audience-restriction", "wrong-recipient", "no-bearer",
        "expired", "not-yet-valid", "missing-email", "empty-email", "one-time-use", "nameid-comment",
        "nameid-cdata", "email-attr-comment", "attribute-nameformat-uri"]]
    for n, c, w in checks:
        root = load(n)
        verify(root if w == "R" else assertion(root), c)
    verify(assertion(load("two-assertions"), 1), "idp")
    must_fail(assertion(load("attacker-signed")), "idp", "attacker-signed")
    must_fail(assertion(load("rollover-next-key")), "idp", "rollover-next-key")
    signed = verify(assertion(load("nameid-comment")), "idp")
    if signed.findtext(".//saml:NameID", namespaces=ns) != "alice@example.com.evil.com":
        sys.exit("crosscheck: nameid-comment NameID")
    signed = verify(assertion(load("email-attr-comment")), "idp")
    if signed.findtext(".//saml:AttributeValue", namespaces=ns) != "alice@example.com.evil.com":
        sys.exit("crosscheck: email-attr-comment value")
    signed = verify(assertion(load("nameid-cdata")), "idp")
    if signed.findtext(".//saml:NameID", namespaces=ns) != "alice@example.com":
        sys.exit("crosscheck: nameid-cdata NameID")

    def decrypt(n, keyname):
        key = serialization.load_pem_private_key(open(f"keys/{keyname}.key", "rb").read(), None)
        root = load(n)
        ed = root.find(".//xenc:EncryptedData", ns)
        ek = root.find(".//xenc:EncryptedKey", ns)
        kt = ek.find("xenc:EncryptionMethod", ns).get("Algorithm")
        da = ed.find("xenc:EncryptionMethod", ns).get("Algorithm")
        wrapped = base64.b64decode(ek.find("xenc:CipherData/xenc:CipherValue", ns).text)
        pad = (padding.OAEP(padding.MGF1(hashes.SHA1()), hashes.SHA1(), None) if kt == RSA_OAEP_MGF1P
               else padding.PKCS1v15())
        k = key.decrypt(wrapped, pad)
        ct = base64.b64decode(ed.find("xenc:CipherData/xenc:CipherValue", ns).text)
        if da == AES256_GCM:
            pt = AESGCM(k).decrypt(ct[:12], ct[12:], None)
        else:
            alg = algorithms.AES(k) if da == AES128_CBC else TripleDES(k)
            bs = alg.block_size // 8
            d = Cipher(alg, modes.CBC(ct[:bs])).decryptor()
            p = d.update(ct[bs:]) + d.finalize()
            pt = p[:-p[-1]]
        a = etree.fromstring(pt)   # the plaintext must stand alone (namespaces declared on Assertion)
        if a.tag != f"{{{NS_SAML}}}Assertion":
            sys.exit(f"crosscheck: {n} plaintext is {a.tag}")
        return a

    for n in ["encrypted-aes128-cbc", "encrypted-aes256-gcm", "encrypted-retrieval-method",
              "encrypted-rsa15", "encrypted-3des"]:
        verify(decrypt(n, "sp"), "idp")
        verify(decrypt(n, "sp-pkcs1"), "idp")
    verify(decrypt("encrypted-for-other-sp", "sp-other"), "idp")
    try:
        decrypt("encrypted-for-other-sp", "sp")
    except SystemExit:
        raise
    except Exception:
        pass
    else:
        sys.exit("crosscheck: encrypted-for-other-sp decrypts with sp.key")
    a = decrypt("encrypted-signed-by-attacker", "sp")
    verify(a, "attacker")
    must_fail(a, "idp", "encrypted-signed-by-attacker")
    for n in ["encrypted-unsigned", "encrypted-unsigned-response-signed"]:
        if decrypt(n, "sp").find("ds:Signature", ns) is not None:
            sys.exit(f"crosscheck: {n} inner assertion is signed")
    print("crosscheck (signxml + cryptography): OK")


def main():
    cmd, *args = sys.argv[1:]
    {"certs": cmd_certs, "templates": cmd_templates, "metadata": cmd_metadata,
     "retrieval-method": cmd_retrieval_method, "restore-text": cmd_restore_text,
     "crosscheck": cmd_crosscheck}[cmd](*args)


if __name__ == "__main__":
    main()
