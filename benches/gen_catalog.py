#!/usr/bin/env python3
"""Deterministic synthetic errdex catalogs for benchmarks.

    python3 benches/gen_catalog.py N OUT_DIR [--seed S] [--messages STYLE]

writes OUT_DIR/errdex.yaml and N error files under OUT_DIR/errors/<group>/<code>.yaml
(OUT_DIR is replaced if it exists). The catalog is valid under `errdex check --strict`
and exercises every field of docs/catalog.md: groups (and a few ungrouped errors), one
envelope with all four pointers, response bodies that agree with it (code, status,
docs_url `{base_url}/errors/{code}/`, a message produced by one of the error's
templates), messages with `{placeholders}`, fields, endpoints, examples, retry_after on
retryable errors, related codes that exist, links, since, and a few deprecated errors
with `replaced_by`. Each error carries about 3 KB of Markdown (description, when,
causes, fix, gotchas, agent guidance), like the pages of shared/bench/gen_peers.py.

--messages chooses the shape of message templates; in every style the fixed text is
unique per code, so no two codes can claim the same message (E030):

  unique-prefix (default)  the code's own text comes before the first placeholder:
                           "Rate limit exceeded (ref 00042): {noun} {id} ..."
  shared-prefix            realistic API wording: templates of many codes start with
                           the same words ("Project {id} ...") and differ only after
                           the first placeholder; the code is in the fixed tail
  leading-placeholder      like unique-prefix, but every 10th error's templates start
                           with a placeholder ("{resource} ... (ref 00042)")

The last two are stress cases for the E030 overlap check (see docs/performance.md).

Output depends only on N, the seed and the style. Error i is generated from
random.Random(seed * 1_000_003 + i); only its related/replaced_by codes depend on N.
Standard library only.
"""

import argparse
import json
import os
import random
import shutil
import sys

BASE_URL = "https://docs.example.com/api"

# (code base, status, group)
BASES = [
    ("invalid_api_key", 401, "auth"),
    ("expired_token", 401, "auth"),
    ("missing_scope", 403, "permissions"),
    ("account_suspended", 403, "permissions"),
    ("resource_not_found", 404, "requests"),
    ("method_not_allowed", 405, "requests"),
    ("version_conflict", 409, "conflicts"),
    ("idempotency_key_reused", 409, "conflicts"),
    ("payload_too_large", 413, "requests"),
    ("unsupported_media_type", 415, "requests"),
    ("validation_failed", 422, "validation"),
    ("parameter_missing", 400, "validation"),
    ("parameter_invalid", 400, "validation"),
    ("rate_limit_exceeded", 429, "limits"),
    ("quota_exhausted", 429, "limits"),
    ("payment_required", 402, "billing"),
    ("internal_error", 500, "platform"),
    ("upstream_timeout", 504, "platform"),
    ("service_unavailable", 503, "platform"),
    ("bad_gateway", 502, "platform"),
]

GROUPS = [
    ("auth", "Authentication", "Who is calling: API keys, access tokens and their lifetimes."),
    ("permissions", "Permissions", "What the caller may do: scopes, roles and account standing."),
    ("requests", "Request format", "The request could not be routed or read; fix the request itself."),
    ("validation", "Validation", "The request was read but a parameter or field is missing or wrong."),
    ("conflicts", "Conflicts", "The request disagrees with the current state of a resource."),
    ("limits", "Rate limits and quotas", "Too many requests, or a plan quota used up. Back off and retry."),
    ("billing", "Billing", "Payment problems that stop a paid operation before any money moves."),
    ("platform", "Platform and availability", "Our side or an upstream's: safe to retry with backoff."),
]

NOUNS = ["API key", "access token", "project", "workspace", "webhook endpoint",
         "deployment", "billing account", "organization", "dataset", "request body",
         "upload session", "service account", "region", "model", "batch job",
         "invoice", "customer record", "subscription", "audit log", "signing secret"]
PARAMS = ["project_id", "workspace", "limit", "cursor", "region", "model",
          "idempotency_key", "expand", "metadata", "callback_url", "page_size",
          "starting_after", "currency", "amount", "scope", "file_id"]
VERBS = ["creating", "updating", "listing", "deleting", "retrying", "uploading",
         "fetching", "rotating", "exporting", "archiving"]
ADJS = ["revoked", "expired", "malformed", "truncated", "stale", "duplicated",
        "misconfigured", "unverified", "rate-limited", "disabled", "unsupported",
        "oversized"]
CONTEXTS = ["a CI job", "a cron worker", "a browser extension", "a mobile client",
            "a serverless function", "a long-running daemon", "a Jupyter notebook",
            "a staging environment", "a partner integration", "a CLI script"]
HEADERS = ["Authorization", "Idempotency-Key", "Content-Type", "X-Request-Id",
           "Retry-After", "X-RateLimit-Remaining", "Accept", "If-Match"]
ACTIONS = {
    401: "reauthenticate", 402: "ask_user", 403: "ask_user", 404: "fix_request",
    405: "fix_request", 409: "retry", 413: "fix_request", 415: "fix_request",
    422: "fix_request", 400: "fix_request", 429: "retry_later", 500: "retry_later",
    502: "retry_later", 503: "retry_later", 504: "retry_later",
}
REASONS = {
    400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large",
    415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout",
}
RETRYABLE = {409, 429, 500, 502, 503, 504}
# Placeholder name -> a concrete value used in response bodies.
VALUES = {"id": "prj_8f2c", "limit": "600", "window": "minute", "count": "812",
          "param": "page_size", "reason": "value too long", "seconds": "30",
          "resource": "Dataset ds_91", "size": "12 MB", "version": "v41"}


def an(s):
    """Fix "a" before a vowel ("a expired" -> "an expired")."""
    for v in "aeiouAEIOU":
        s = s.replace(f" a {v}", f" an {v}")
    return s


def sentence(r, i):
    templates = [
        "The {n} supplied with the request is {a} or was never issued for this {n2}.",
        "This happens when {c} keeps sending a {a} {n} after it was changed in the dashboard.",
        "Requests {v} a {n2} fail here if the `{p}` parameter refers to a {a} {n}.",
        "The `{h}` header was present but its value was {a} by a proxy before it reached us.",
        "Clients that cache the {n} for longer than its lifetime see this after roughly {k} minutes.",
        "Bulk operations {v} more than {k} items at once trigger this check on the {n2}.",
        "The `{p}` field must match the {n2} that owns the {n}; a mismatch is rejected.",
        "Retrying the same call from {c} without backing off makes it worse, not better.",
    ]
    return an(r.choice(templates).format(
        n=r.choice(NOUNS), n2=r.choice(NOUNS), a=r.choice(ADJS), c=r.choice(CONTEXTS),
        v=r.choice(VERBS), p=r.choice(PARAMS), h=r.choice(HEADERS),
        k=r.randint(2, 500) + i % 7))


def paragraph(r, i, n):
    return " ".join(sentence(r, i) for _ in range(n))


def fill(template):
    """A concrete message produced by a template."""
    out = template
    for name, value in VALUES.items():
        out = out.replace("{" + name + "}", value)
    assert "{" not in out, template
    return out


def messages_for(r, i, code, base, style, width):
    """1 to 3 templates whose fixed text is unique to this code."""
    ref = f"{i:0{width}d}"
    words = base.replace("_", " ").capitalize()
    noun = r.choice(NOUNS)
    shapes = [
        ("{id} is {adj}; check `{param}` before {verb} it", "id"),
        ("limit of {limit} per {window} reached after {count} calls", "limit"),
        ("field {param} was rejected: {reason}", "param"),
    ]
    out = []
    for k in range(r.randint(1, 3)):
        shape, _ = shapes[k]
        tail = shape.replace("{adj}", r.choice(ADJS)).replace("{verb}", r.choice(VERBS))
        if style == "shared-prefix":
            # "Project {id} ..." shared by every code that picked the same noun; the
            # code-specific text comes only at the end.
            msg = f"{noun.capitalize()} {{id}} could not be used: {tail} (ref {ref}.{k})"
        elif style == "leading-placeholder" and i % 10 == 0:
            msg = f"{{resource}} was refused by {words}: {tail} (ref {ref}.{k})"
        elif style == "leading-placeholder":
            # A template that starts with a placeholder overlaps every template of
            # another code that ends with one, so the others end with fixed text.
            msg = f"{words} (ref {ref}.{k}): the {noun} {tail}."
        else:
            msg = f"{words} (ref {ref}.{k}): the {noun} {tail}"
        out.append(msg)
    return out


def make_entry(i, n, seed, width, codes, style):
    r = random.Random(seed * 1_000_003 + i)
    base, status, group = BASES[r.randrange(len(BASES))]
    code = codes[i]
    noun, noun2 = r.choice(NOUNS), r.choice(NOUNS)
    param = r.choice(PARAMS)
    retryable = status in RETRYABLE
    e = {"code": code, "status": status, "retryable": retryable}
    e["title"] = an(f"{r.choice(ADJS).capitalize()} {noun} while {r.choice(VERBS)} a {noun2}")
    e["summary"] = f"The {noun} on the request cannot be used for this operation; {r.choice(['fix', 'check', 'replace'])} `{param}` and retry."
    e["group"] = None if i % 20 == 7 else group
    # Related codes: neighbours that exist for this N (never the error itself).
    related = sorted({codes[(i + d) % n] for d in (1, 17, 311) if (i + d) % n != i})
    e["related"] = related[: r.randint(1, 3)]
    link_code = related[0] if related else None
    table = ["| `{}` value | meaning |".format(param), "|---|---|"]
    table += [f"| `{r.choice(ADJS)}` | {sentence(r, i)} |" for _ in range(3)]
    desc = [paragraph(r, i, 3), "",
            f"The check runs before any side effect, so a request rejected with `{status}` "
            f"changed nothing. It is reported with **`{code}`** in `error.code`; "
            + (f"see also [`{link_code}`](/errors/{link_code}/) for a close relative." if link_code
               else "branch on that code, never on the message."),
            "", *table, "", paragraph(r, i, 2)]
    e["description"] = "\n".join(desc)
    e["when"] = [sentence(r, i) for _ in range(r.randint(3, 5))]
    e["causes"] = [{"cause": f"{r.choice(ADJS).capitalize()} {r.choice(NOUNS)} used from {r.choice(CONTEXTS)}.",
                    "resolution": f"{r.choice(['Rotate', 'Re-create', 'Re-send', 'Verify', 'Refresh'])} the {r.choice(NOUNS)}, then retry. " + sentence(r, i)}
                   for _ in range(3)]
    templates = messages_for(r, i, code, base, style, width)
    e["messages"] = [{"message": m} for m in templates]
    e["messages"][0]["cause"] = sentence(r, i)
    e["messages"][0]["resolution"] = f"Fix `{param}` and send the request again."
    if status in (400, 422):
        e["fields"] = [{"field": f"{p}", "cause": f"Missing, or not a valid `{p}`: {sentence(r, i)}"}
                       for p in r.sample(PARAMS, 3)]
    path = f"/v1/{noun2.replace(' ', '_')}s"
    e["endpoints"] = [f"POST {path}", f"GET {path}/{{id}}", f"PATCH {path}/{{id}}"][: r.randint(1, 3)]
    fix = [f"Read `error.param` (here `{param}`) and compare it with the {r.choice(NOUNS)} you meant to use.",
           f"Check the `{r.choice(HEADERS)}` header: it must be sent on every request, unmodified.",
           sentence(r, i),
           f"Re-run the request with a fresh `Idempotency-Key` once the {noun} is fixed."][: r.randint(3, 4)]
    if retryable:
        fix.append(f"Back off exponentially, starting at {r.randint(1, 5)} s and honouring `Retry-After`.")
    e["fix"] = fix
    e["gotchas"] = [sentence(r, i) for _ in range(r.randint(2, 3))]
    req_id = "req_" + "".join(r.choice("0123456789abcdef") for _ in range(16))
    body = {"error": {"code": code, "status": status, "message": fill(templates[0]),
                      "param": param, "docs_url": f"{BASE_URL}/errors/{code}/",
                      "request_id": req_id}}
    e["body"] = json.dumps(body, indent=2)
    headers = [("Content-Type", "application/json"), ("X-Request-Id", req_id)]
    if retryable:
        headers.append(("Retry-After", str(r.randint(1, 60))))
        e["retry_after"] = {"header": "Retry-After", "seconds": r.randint(1, 60)}
    e["headers"] = headers
    verb = r.choice(["GET", "POST", "PATCH", "DELETE"])
    e["examples"] = [
        ("curl", "bash",
         f"curl -sS -X {verb} https://api.example.com{path} \\\n"
         f"  -H \"Authorization: Bearer $EXAMPLE_API_KEY\" \\\n"
         f"  -H \"Content-Type: application/json\" \\\n"
         f"  -d '{{\"{param}\": \"{r.choice(ADJS)}-{i}\"}}'\n"),
        ("TypeScript", "typescript",
         f"const res = await fetch(\"https://api.example.com{path}\", {{\n"
         f"  method: \"{verb}\",\n"
         f"  headers: {{ Authorization: `Bearer ${{process.env.EXAMPLE_API_KEY}}` }},\n"
         f"  body: JSON.stringify({{ {param}: \"{r.choice(ADJS)}-{i}\" }}),\n"
         f"}});\n"
         f"if (res.status === {status}) {{\n"
         f"  const {{ error }} = await res.json();\n"
         f"  if (error.code === \"{code}\") throw new Error(error.message);\n"
         f"}}\n"),
        ("Python", "python",
         f"res = requests.request(\"{verb}\", \"https://api.example.com{path}\",\n"
         f"                       json={{\"{param}\": \"{r.choice(ADJS)}-{i}\"}}, timeout=30)\n"
         f"if res.status_code == {status} and res.json()[\"error\"][\"code\"] == \"{code}\":\n"
         f"    raise RuntimeError(res.json()[\"error\"][\"message\"])\n"),
    ][: r.randint(2, 3)]
    e["agent_action"] = ACTIONS[status]
    e["agent_guidance"] = (
        f"Do not retry `{code}` blindly. "
        + ("It is transient: wait, then retry the identical request at most three times. "
           if retryable else
           f"It will fail again unchanged: fix `{param}` or ask the user for a valid {noun}. ")
        + sentence(r, i) + "\n\n" + sentence(r, i)
        + f" Report the `request_id` ({req_id}) if you escalate.")
    e["links"] = [("Guide: " + noun, f"https://docs.example.com/guides/{noun.replace(' ', '-')}")]
    if r.random() < 0.5:
        e["links"].append(("Status page", "https://status.example.com"))
    e["since"] = f"20{20 + r.randint(0, 5)}-{r.randint(1, 12):02d}-01"
    if i % 50 == 3 and related:
        e["deprecated"] = (f"Deprecated since API version `2025-01-01`. Still returned to requests "
                           f"pinned to an earlier version. {sentence(r, i)}")
        e["replaced_by"] = related[0]
    return e


def q(s):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(s)


def block(text, indent):
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.rstrip("\n").split("\n"))


def error_yaml(e):
    L = [f"code: {e['code']}", f"title: {q(e['title'])}", f"status: {e['status']}",
         f"summary: {q(e['summary'])}"]
    if e["group"]:
        L.append(f"group: {e['group']}")
    L.append("description: " + block(e["description"], 2))
    L.append("when:")
    L += [f"  - {q(w)}" for w in e["when"]]
    L.append("causes:")
    for c in e["causes"]:
        L += [f"  - cause: {q(c['cause'])}", f"    resolution: {q(c['resolution'])}"]
    L.append("messages:")
    for m in e["messages"]:
        L.append(f"  - message: {q(m['message'])}")
        for k in ("cause", "resolution"):
            if k in m:
                L.append(f"    {k}: {q(m[k])}")
    if "fields" in e:
        L.append("fields:")
        for f in e["fields"]:
            L += [f"  - field: {q(f['field'])}", f"    cause: {q(f['cause'])}"]
    L.append("endpoints:")
    L += [f"  - {q(p)}" for p in e["endpoints"]]
    L.append("fix:")
    L += [f"  - {q(s)}" for s in e["fix"]]
    L.append("gotchas:")
    L += [f"  - {q(g)}" for g in e["gotchas"]]
    L += ["response:", "  envelope: standard", "  body: " + block(e["body"], 4), "  headers:"]
    L += [f"    {k}: {q(v)}" for k, v in e["headers"]]
    L.append("examples:")
    for title, lang, code in e["examples"]:
        L += [f"  - title: {title}", f"    lang: {lang}", "    code: " + block(code, 6)]
    L.append(f"retryable: {'true' if e['retryable'] else 'false'}")
    if "retry_after" in e:
        L += ["retry_after:", f"  header: {e['retry_after']['header']}",
              f"  seconds: {e['retry_after']['seconds']}"]
    L += ["agent:", f"  action: {e['agent_action']}", "  guidance: " + block(e["agent_guidance"], 4)]
    if e["related"]:
        L.append("related:")
        L += [f"  - {c}" for c in e["related"]]
    L.append("links:")
    for title, url in e["links"]:
        L += [f"  - title: {q(title)}", f"    url: {q(url)}"]
    L.append(f"since: {q(e['since'])}")
    if "deprecated" in e:
        L.append("deprecated: " + block(e["deprecated"], 2))
        L.append(f"replaced_by: {e['replaced_by']}")
    return "\n".join(L) + "\n"


def config_yaml(codes):
    first = codes[0]
    L = ['title: "Example API errors"',
         'summary: "Every error code the Example API returns, why it happens, and what to do next."',
         f'base_url: "{BASE_URL}"',
         "intro: " + block(
             "The Example API answers every failed request with a 4xx or 5xx status and a JSON\n"
             "body in the standard envelope below. Branch on `error.code`, never on the message.\n\n"
             f"- **4xx** errors need a changed request, for example [`{first}`](/errors/{first}/).\n"
             "- **5xx** errors are ours; retry them with the same `Idempotency-Key`.\n\n"
             "The machine-readable list is [`/errors.json`](/errors.json).", 2),
         "auth: " + block(
             "Send a secret key in the `Authorization` header with the Bearer scheme:\n\n"
             "```http\nAuthorization: Bearer sk_live_4eC39HqLyjWDarjtT1zdp7dc\n```", 2),
         "agent_instructions: " + block(
             "1. Read `error.code` from the JSON body and open `/errors/{code}.md` on this site.\n"
             "2. Follow the page's **agent action**; only `retry` and `retry_later` allow sending\n"
             "   the same request again.\n"
             "3. Never invent or rotate API keys, and never change billing settings.", 2),
         "envelopes:",
         "  - id: standard",
         '    title: "Standard error envelope"',
         "    description: " + block(
             "Every error response has this shape. `code`, `status` and `docs_url` never change\n"
             "for a given error; `message` may be reworded.", 6),
         "    media_type: application/json",
         "    example: " + block(json.dumps({"error": {
             "code": first, "status": 400, "message": "example",
             "docs_url": f"{BASE_URL}/errors/{first}/", "request_id": "req_0123456789abcdef"}},
             indent=2), 6),
         "    pointers:",
         "      code: /error/code",
         "      status: /error/status",
         "      message: /error/message",
         "      docs_url: /error/docs_url",
         "groups:"]
    for gid, title, desc in GROUPS:
        L += [f"  - id: {gid}", f"    title: {q(title)}", f"    description: {q(desc)}"]
    L += ["statuses:",
          "  - status: 200", '    meaning: "OK. The body is the requested object or list."',
          "  - status: 201", '    meaning: "Created. The body is the new object."',
          "  - status: 204", '    meaning: "No Content. A delete succeeded; there is no body."',
          "tips:",
          '  - "**Log `request_id` with every failure.** Support can find the request from it."',
          '  - "Retry only `retryable` errors, with exponential backoff and jitter."',
          "links:",
          '  - title: "Status page"',
          '    url: "https://status.example.com"',
          '    description: "Live and past incidents."',
          '  - title: "Support"',
          '    url: "mailto:support@example.com"']
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of errors (>= 2)")
    ap.add_argument("outdir", help="output catalog folder (replaced)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--messages", default="unique-prefix",
                    choices=["unique-prefix", "shared-prefix", "leading-placeholder"])
    a = ap.parse_args()
    if a.n < 2:
        ap.error("N must be at least 2")
    width = max(5, len(str(a.n - 1)))
    # Codes first: related/replaced_by need to name codes that exist.
    codes = []
    for i in range(a.n):
        r = random.Random(a.seed * 1_000_003 + i)
        codes.append(f"{BASES[r.randrange(len(BASES))][0]}_{i:0{width}d}")
    if os.path.isdir(a.outdir):
        shutil.rmtree(a.outdir)
    os.makedirs(a.outdir)
    with open(os.path.join(a.outdir, "errdex.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(config_yaml(codes))
    made = set()
    total = 0
    for i in range(a.n):
        e = make_entry(i, a.n, a.seed, width, codes, a.messages)
        folder = os.path.join(a.outdir, "errors", e["group"] or "other")
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        text = error_yaml(e)
        total += len(text.encode())
        with open(os.path.join(folder, e["code"] + ".yaml"), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    print(f"{a.n} errors, {total} bytes of error YAML (mean {total / a.n:.0f} B) -> {a.outdir}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
