#!/usr/bin/python3
"""Check that Heat parameter names are declared by the pinned
tripleo-heat-templates (unpacked by tools/fetch-tripleoclient.sh).

Usage: tht_params.py [--where] [--tht DIR] NAME...

Exit 0 when every NAME is declared under the top-level `parameters:` of some
Heat template (a file with a top-level `heat_template_version:`; environment
files, which only set `parameters:`/`parameter_defaults:`, do not count);
exit 1 naming the missing ones; exit 2 on a usage error or a missing cache.
--where prints, for each name, a template declaring it.

How templates are read (standard library only). The `parameters:` section is
found by a line scan: its keys are the lines at the indentation of its first
key, up to the next top-level key; deeper lines (types, descriptions, block
scalars) are skipped. That reads both plain YAML templates and Jinja2
templates (*.j2.yaml), which YAML cannot parse. Many parameter names are only
made by Jinja2 when TripleO renders the templates for the deployment's roles
and networks ({{role.name}}Count in overcloud.j2.yaml makes ComputeCount), so
names containing {{ ... }} are expanded here over the roles of the release's
roles_data.yaml and the networks of its network_data.yaml, the defaults of
its tools/process-templates.py
(network_data_default.yaml in releases that have no network_data.yaml). The expressions understood are attribute
access (role.name, network.name_lower), .lower()/|lower/|upper,
|default(...), string literals, `{% set x = ... %}` and `{% for x in
roles|networks %}` variables; a name using anything else is not expanded.
{% if %} blocks are not evaluated (a guarded name counts as declared), except
that a name built from an attribute a role does not have is not made for that
role, as Jinja2 would not render it.
"""

import argparse
import os
import re
import sys

from pins import pypi_cache, read_versions_env



class UsageError(Exception):
    pass


def default_tht_dir():
    version = read_versions_env()["THT_VERSION"]
    return os.path.join(pypi_cache("tripleoclient"), "tripleo-heat-templates-" + version)


# ------------------------------------------------------------ YAML data files

def load_list_of_dicts(path):
    """roles_data.yaml / network_data.yaml: a list of mappings. PyYAML when
    /usr/bin/python3 has it (Debian's python3-yaml), else a scan good enough
    for these files' `- name: X` / `  key: scalar` entries."""
    try:
        import yaml
    except ImportError:
        yaml = None
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if yaml is not None:
        data = yaml.safe_load(text) or []
        return [item for item in data if isinstance(item, dict)]
    items = []
    for line in text.splitlines():
        match = re.match(r"^(- |  )([A-Za-z_][\w]*):\s*(.*?)\s*$", line)
        if not match:
            continue
        if match.group(1) == "- ":
            items.append({})
        if items and match.group(3) and not match.group(3).startswith(("#", "|", ">")):
            items[-1][match.group(2)] = match.group(3).strip("'\"")
    return items


# ------------------------------------------------------------ tiny Jinja2 subset

class _Undefined:
    def __repr__(self):
        return "Undefined"


UNDEFINED = _Undefined()


class Unsupported(Exception):
    """An expression outside the subset: the name is not expanded."""


def _split_top(text, sep):
    """Split on `sep` outside quotes and parentheses/brackets."""
    parts, depth, quote, current = [], 0, None, ""
    for char in text:
        if quote:
            current += char
            if char == quote:
                quote = None
            continue
        if char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == sep and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


def evaluate(expr, scope):
    """Evaluate the subset described in the module docstring."""
    expr = expr.strip()
    pieces = _split_top(expr, "|")
    value = _primary(pieces[0].strip(), scope)
    for flt in pieces[1:]:
        flt = flt.strip()
        if flt == "lower":
            value = value.lower() if isinstance(value, str) else value
        elif flt == "upper":
            value = value.upper() if isinstance(value, str) else value
        elif flt.startswith("default(") and flt.endswith(")"):
            if value is UNDEFINED:
                value = evaluate(flt[len("default("):-1], scope)
        else:
            raise Unsupported(flt)
    return value


def _primary(expr, scope):
    if len(expr) >= 2 and expr[0] == expr[-1] and expr[0] in "'\"":
        return expr[1:-1]
    if re.fullmatch(r"-?\d+", expr):
        return int(expr)
    match = re.fullmatch(r"([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*(?:\(\))?)*)", expr)
    if not match:
        raise Unsupported(expr)
    if match.group(1) not in scope:
        raise Unsupported(match.group(1))
    value = scope[match.group(1)]
    for step in re.findall(r"\.([A-Za-z_]\w*)(\(\))?", match.group(2)):
        name, call = step
        if value is UNDEFINED:
            return UNDEFINED
        if call:
            if name == "lower" and isinstance(value, str):
                value = value.lower()
            elif name == "upper" and isinstance(value, str):
                value = value.upper()
            else:
                raise Unsupported(expr)
        elif isinstance(value, dict):
            value = value.get(name, UNDEFINED)
        else:
            raise Unsupported(expr)
    return value


def render_name(raw, scope):
    """A parameter name with {{ }} rendered, or None when an expression is undefined."""
    out = ""
    for literal, expr in re.findall(r"([^{]*)(?:\{\{(.*?)\}\}|$)", raw):
        out += literal
        if expr:
            value = evaluate(expr, scope)
            if value is UNDEFINED:
                return None
            out += str(value)
    return out


# ------------------------------------------------------------ the scan

_KEY = re.compile(r"""^(\s*)(?:'([^']+)'|"([^"]+)"|([^\s'"#:][^:#]*?))\s*:(?:\s|$)""")
_SET = re.compile(r"\{%-?\s*set\s+([A-Za-z_]\w*)\s*=\s*(.*?)\s*-?%\}")
_FOR = re.compile(r"\{%-?\s*for\s+([A-Za-z_]\w*)\s+in\s+(roles|networks)\b")


def declared_in(path):
    """(names, sets, loops): raw parameter names under top-level `parameters:`
    of a Heat template (None when the file is not one); `{% set %}` and
    `{% for x in roles/networks %}` bindings seen in the file."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (UnicodeDecodeError, OSError):
        return None
    if not any(line.startswith("heat_template_version:") for line in lines):
        return None
    sets, loops, names = {}, {}, []
    in_params, key_indent = False, None
    for line in lines:
        for var, expr in _SET.findall(line):
            sets[var] = expr
        for var, kind in _FOR.findall(line):
            loops[var] = kind
        stripped = line.strip()
        if not in_params:
            if re.match(r"^parameters:\s*(#.*)?$", line):
                in_params, key_indent = True, None
            continue
        if not stripped or stripped.startswith(("#", "{%", "{#")):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            in_params = False
            if re.match(r"^parameters:\s*(#.*)?$", line):
                in_params = True
            continue
        if key_indent is None:
            key_indent = indent
        if indent != key_indent:
            continue
        match = _KEY.match(line)
        if match:
            names.append(match.group(2) or match.group(3) or match.group(4))
    return names, sets, loops


def build_index(tht):
    """{name: [(relative path, how)]} for every declared parameter."""
    roles = load_list_of_dicts(os.path.join(tht, "roles_data.yaml"))
    # network_data.yaml up to Wallaby; later releases ship network_data_default.yaml.
    networks = []
    for candidate in ("network_data.yaml", "network_data_default.yaml"):
        if os.path.isfile(os.path.join(tht, candidate)):
            networks = load_list_of_dicts(os.path.join(tht, candidate))
            break
    index, unexpanded = {}, []
    for top, dirs, files in os.walk(tht):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for filename in sorted(files):
            if not filename.endswith(".yaml"):
                continue
            path = os.path.join(top, filename)
            rel = os.path.relpath(path, tht)
            found = declared_in(path)
            if found is None:
                continue
            raw_names, sets, loops = found
            for raw in raw_names:
                if "{{" not in raw:
                    index.setdefault(raw, []).append((rel, ""))
                    continue
                rendered = list(expand(raw, filename, sets, loops, roles, networks))
                for name, how in rendered:
                    index.setdefault(name, []).append((rel, how))
                if not rendered:
                    unexpanded.append((rel, raw))
    return index, unexpanded


def expand(raw, filename, sets, loops, roles, networks):
    """Render one templated name for each role and/or network it uses."""
    refs = set(re.findall(r"[A-Za-z_]\w*", " ".join(re.findall(r"\{\{(.*?)\}\}", raw))))
    # Follow {% set %} variables to what they are made of.
    pending, seen = list(refs), set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        if ref in sets:
            pending.extend(re.findall(r"[A-Za-z_]\w*", sets[ref]))
    kinds = {}
    if filename.endswith(".role.j2.yaml"):
        kinds["role"] = "roles"
    if filename.endswith(".network.j2.yaml"):
        kinds["network"] = "networks"
    kinds.update({var: kind for var, kind in loops.items() if var in seen})
    role_vars = [v for v, k in kinds.items() if k == "roles" and v in seen]
    net_vars = [v for v, k in kinds.items() if k == "networks" and v in seen]
    role_choices = [(None, None)] if not role_vars else [(r, r.get("name")) for r in roles]
    net_choices = [(None, None)] if not net_vars else [(n, n.get("name")) for n in networks]
    for role, role_name in role_choices:
        for net, net_name in net_choices:
            scope = {}
            for var in role_vars:
                scope[var] = role
            for var in net_vars:
                scope[var] = net
            for var, expr in sets.items():
                if var not in scope:
                    try:
                        scope[var] = evaluate(expr, scope)
                    except Unsupported:
                        pass
            try:
                name = render_name(raw, scope)
            except Unsupported:
                continue
            if name:
                how = ", ".join(x for x in (role_name and f"role {role_name}",
                                            net_name and f"network {net_name}") if x)
                yield name, f"{raw.strip()} rendered for {how}" if how else raw.strip()


def main(argv):
    cli = argparse.ArgumentParser(
        prog="tht_params.py",
        description="Check Heat parameter names against the pinned tripleo-heat-templates "
                    "(see tools/tripleo-argv/README.md).")
    cli.add_argument("names", nargs="+", metavar="NAME")
    cli.add_argument("--where", action="store_true", help="print a template declaring each name")
    cli.add_argument("--tht", help="templates directory (default: the pinned release in the cache)")
    options = cli.parse_args(argv)
    tht = options.tht or default_tht_dir()
    if not os.path.isfile(os.path.join(tht, "roles_data.yaml")):
        print(f"tht_params: no tripleo-heat-templates in {tht}; run tools/fetch-tripleoclient.sh",
              file=sys.stderr)
        return 2
    index, _unexpanded = build_index(tht)
    missing = [name for name in options.names if name not in index]
    label = os.path.basename(os.path.normpath(tht))
    if options.where:
        for name in options.names:
            if name in index:
                # Non-CI before CI, the shallowest path first.
                rel, how = sorted(index[name], key=lambda e: (e[0].startswith("ci/"), e[0].count("/"), e[0]))[0]
                print(f"{name}\t{rel}" + (f"\t({how})" if how else ""))
            else:
                print(f"{name}\tMISSING")
    if missing:
        print(f"tht_params: not declared in {label}: {', '.join(missing)}", file=sys.stderr)
        return 1
    if not options.where:
        print(f"ok: {len(options.names)} name(s) declared in {label}")
    return 0


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends quietly
    sys.exit(main(sys.argv[1:]))
