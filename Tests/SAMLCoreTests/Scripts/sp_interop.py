#!/usr/bin/env python3
"""Independent checks of SAMLCore's SP-side output with pysaml2 (a separate SAML implementation).

Run by Tests/SAMLCoreTests/SPIndependentChecksTests.swift when python3 with pysaml2 (pip install pysaml2) and
xmlsec1 are available. Each subcommand prints one JSON object and exits 0, or prints the error and exits 1.

  metadata  SP_METADATA                      what pysaml2 reads from our SP metadata
  redirect  SP_METADATA IDP_KEY IDP_CERT URL  pysaml2 (as the IdP) decodes our Redirect AuthnRequest and
                                              verifies its query signature with the cert from our metadata
  post      SP_METADATA IDP_KEY IDP_CERT B64  pysaml2 (as the IdP) parses our POST AuthnRequest, requiring and
                                              verifying its enveloped signature (xmlsec1) against our metadata
"""
import json
import shutil
import sys
from urllib.parse import parse_qs, urlsplit

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.mdstore import MetadataStore
from saml2.server import Server
from saml2.sigver import CryptoBackendXmlSec1, verify_redirect_signature
from saml2 import attribute_converter

IDP_ENTITY = "https://sso.jumpcloud.com/saml2/kisi"
SSO_URL = "https://sso.jumpcloud.com/saml2/kisi"
XMLSEC = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"


def sp_entity_id(metadata_path):
    store = MetadataStore(attribute_converter.ac_factory(), IdPConfig(), disable_ssl_certificate_validation=True)
    store.load("local", metadata_path)
    (entity_id,) = list(store.keys())
    return store, entity_id


def metadata(path):
    store, entity_id = sp_entity_id(path)
    sp = store[entity_id]["spsso_descriptor"][0]
    acs = store.assertion_consumer_service(entity_id, BINDING_HTTP_POST)
    return {
        "entity_id": entity_id,
        "acs": [{"location": a["location"], "index": a.get("index"), "is_default": a.get("is_default")} for a in acs],
        "signing_certs": len(store.certs(entity_id, "spsso", "signing")),
        "encryption_certs": len(store.certs(entity_id, "spsso", "encryption")),
        "authn_requests_signed": sp.get("authn_requests_signed"),
        "want_assertions_signed": sp.get("want_assertions_signed"),
        "name_id_formats": [f["text"] for f in sp.get("name_id_format", [])],
        "encryption_methods": [
            m["algorithm"] for kd in sp.get("key_descriptor", []) if kd.get("use") == "encryption"
            for m in kd.get("encryption_method", [])
        ],
        "protocols": sp.get("protocol_support_enumeration"),
    }


def idp_server(metadata_path, key, cert, want_signed):
    config = IdPConfig()
    config.load({
        "entityid": IDP_ENTITY,
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(SSO_URL, BINDING_HTTP_REDIRECT), (SSO_URL, BINDING_HTTP_POST)]},
            "want_authn_requests_signed": want_signed,
        }},
        "metadata": {"local": [metadata_path]},
        "key_file": key,
        "cert_file": cert,
        "xmlsec_binary": XMLSEC,
        "accepted_time_diff": 300,
    })
    return Server(config=config)


def describe(request):
    message = request.message
    return {
        "id": message.id,
        "issuer": message.issuer.text,
        "destination": message.destination,
        "acs_url": message.assertion_consumer_service_url,
        "protocol_binding": message.protocol_binding,
        "name_id_format": message.name_id_policy.format if message.name_id_policy else None,
        "issue_instant": message.issue_instant,
    }


def redirect(metadata_path, key, cert, url):
    server = idp_server(metadata_path, key, cert, want_signed=False)
    query = urlsplit(url).query
    values = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    request = server.parse_authn_request(values["SAMLRequest"], BINDING_HTTP_REDIRECT)
    result = describe(request)
    result["relay_state"] = values.get("RelayState")
    result["signature_verified"] = False
    if "Signature" in values:
        sp_entity = result["issuer"]
        certs = server.metadata.certs(sp_entity, "spsso", "signing")
        verified = any(verify_redirect_signature(values, server.sec.sec_backend, cert=c[1]) for c in certs)
        if not verified:
            raise SystemExit("the Redirect signature does not verify with any certificate in the SP metadata")
        result["signature_verified"] = True
    return result


def post(metadata_path, key, cert, b64):
    server = idp_server(metadata_path, key, cert, want_signed=True)
    request = server.parse_authn_request(b64, BINDING_HTTP_POST)
    result = describe(request)
    result["signature_verified"] = request.message.signature is not None
    return result


def main(argv):
    command, args = argv[1], argv[2:]
    try:
        if command == "metadata":
            out = metadata(*args)
        elif command == "redirect":
            out = redirect(*args)
        elif command == "post":
            out = post(*args)
        else:
            raise SystemExit(f"unknown command {command}")
    except SystemExit:
        raise
    except Exception as error:  # report any pysaml2 failure as a failed check
        print(f"{type(error).__name__}: {error}")
        return 1
    print(json.dumps(out, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
