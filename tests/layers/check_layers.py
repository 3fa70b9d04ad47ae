#!/usr/bin/env python3
"""The rules of the layers that a compiler does not check, over the source tree.

usage: check_layers.py SOURCE_DIR

1. No OS conditional (#if/#ifdef on _WIN32, __linux__, WIN32, _MSC_VER, ...)
   outside common/compat.h, in the product and in the tests.
2. An #include "x.h" names a header of the including file's own layer or of
   a layer below it (cmake/WwLayers.cmake, which the build reads too). Every
   source file is in a layer's folder, every quoted include is a header of
   some layer (or a generated one).
3. SQL that names a table (FROM/INTO/UPDATE/JOIN/TABLE/ON <table>) appears
   only in the files of the table's owner (the "Owners" table of
   docs/store.md).

Prints one line per violation (path:line: what) and exits 1 if there is
any, 0 otherwise.
"""
import os
import re
import sys

OS_MACROS = """_WIN32 _WIN64 WIN32 WIN64 _WINDOWS __WIN32__ __WINDOWS__ WINVER _WIN32_WINNT
__MINGW32__ __MINGW64__ _MSC_VER __CYGWIN__ __linux__ __linux linux __gnu_linux__
__unix__ __unix unix __APPLE__ __MACH__ __FreeBSD__ __NetBSD__ __OpenBSD__
__DragonFly__ __sun __sun__ _AIX __hpux __ANDROID__ _POSIX_VERSION""".split()
OS_IF = re.compile(r"^\s*#\s*(?:if|ifdef|ifndef|elif|elifdef|elifndef)\b(.*)$")
OS_MACRO = re.compile(r"\b(" + "|".join(OS_MACROS) + r")\b")
OS_IF_ALLOWED = {"common/compat.h"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
# Headers the build generates (ww_platform's include directory).
GENERATED = {"ww_config.h"}

SQL_KEYWORDS = r"(?:FROM|INTO|UPDATE|JOIN|TABLE(?:\s+IF\s+NOT\s+EXISTS)?|ON)"

# Folders whose C files are product code (in a layer) or tests.
PRODUCT_TOPS = ("common", "config", "probes", "service")
TEST_TOPS = ("tests",)


def read_layers(root):
    """The set() commands of cmake/WwLayers.cmake, as a dict name -> list."""
    path = os.path.join(root, "cmake", "WwLayers.cmake")
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"#[^\n]*", "", text)
    sets = {}
    for m in re.finditer(r"\bset\s*\(\s*(\w+)([^)]*)\)", text):
        sets[m.group(1)] = m.group(2).split()
    layers = sets.get("WW_LAYERS")
    if not layers:
        sys.exit(f"{path}: no WW_LAYERS")
    dirs, below = {}, {}
    for name in layers:
        dirs[name] = sets.get(f"WW_LAYER_{name}_DIRS", [])
        below[name] = sets.get(f"WW_LAYER_{name}_BELOW", [])
        if not dirs[name]:
            sys.exit(f"{path}: layer {name} has no WW_LAYER_{name}_DIRS")
        for b in below[name]:
            if b not in layers or layers.index(b) >= layers.index(name):
                sys.exit(f"{path}: {name} is above {b}, which is not a layer below it")
    return layers, dirs, below


def reachable(layer, below):
    """The layers whose headers `layer` may include: itself and all below."""
    seen, todo = set(), [layer]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(below[name])
    return seen


def read_owners(root):
    """The Owners table of docs/store.md: table -> set of owning files.

    A row is | `table` | `owner file`... | readers call |: only the owner's
    files may name the table; a row naming the table `*` lists files that
    may name every table (the store itself).
    """
    path = os.path.join(root, "docs", "store.md")
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^## Owners\b.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    if not m:
        sys.exit(f"{path}: no '## Owners' section")
    owners = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        table = cells[0].strip("`")
        files = set(re.findall(r"`([^`]+)`", cells[1]))
        owners[table] = files
    if not owners:
        sys.exit(f"{path}: the Owners table is empty")
    return owners


def c_files(root, tops):
    for top in tops:
        for d, subdirs, files in os.walk(os.path.join(root, top)):
            subdirs.sort()
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")


def string_literals(text):
    """The contents of the file's string literals in order (comments and
    character constants skipped), one string, literals separated by spaces,
    with the line each literal starts on."""
    out, i, n, line = [], 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            if c == '"':
                out.append((line, text[i + 1:j]))
            i = j + 1
        else:
            i += 1
    return out


def check_os_ifs(path, lines, problems):
    if path in OS_IF_ALLOWED:
        return
    for no, line in enumerate(lines, 1):
        m = OS_IF.match(line)
        if m:
            macro = OS_MACRO.search(m.group(1))
            if macro:
                problems.append(f"{path}:{no}: OS conditional on {macro.group(1)} outside "
                                "common/compat.h: put OS code in a *_win32.c / *_posix.c file")


def check_includes(path, lines, layer, allowed, header_layer, problems):
    for no, line in enumerate(lines, 1):
        m = INCLUDE.match(line)
        if not m:
            continue
        name = m.group(1)
        if name in GENERATED:
            continue
        if name not in header_layer:
            problems.append(f'{path}:{no}: #include "{name}" is no header of any layer '
                            "(cmake/WwLayers.cmake)")
        elif header_layer[name] not in allowed:
            problems.append(f'{path}:{no}: #include "{name}": {layer} may not include a '
                            f"header of {header_layer[name]} (cmake/WwLayers.cmake)")


def check_sql(path, text, owners, table_re, problems):
    shared = owners.get("*", set())
    if path in shared:
        return
    lits = string_literals(text)
    joined = " ".join(lit for _, lit in lits)
    starts, pos = [], 0
    for lno, lit in lits:
        starts.append((pos, lno))
        pos += len(lit) + 1
    for m in table_re.finditer(joined):
        table = m.group(1)
        if path in owners.get(table, set()):
            continue
        lno = max((l for p, l in starts if p <= m.start()), default=0)
        problems.append(f"{path}:{lno}: SQL on table {table}, which it does not own "
                        "(docs/store.md, Owners)")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    layers, dirs, below = read_layers(root)
    owners = read_owners(root)
    tables = sorted(t for t in owners if t != "*")
    table_re = re.compile(SQL_KEYWORDS + r"\s+(" + "|".join(tables) + r")\b")

    dir_layer = {d: name for name in layers for d in dirs[name]}
    header_layer = {}
    problems = []
    for path in c_files(root, PRODUCT_TOPS):
        folder = os.path.dirname(path)
        if folder not in dir_layer:
            problems.append(f"{path}: in no layer's folder (cmake/WwLayers.cmake)")
            continue
        if path.endswith(".h"):
            name = os.path.basename(path)
            if name in header_layer:
                problems.append(f"{path}: a second header named {name}")
            header_layer[name] = dir_layer[folder]

    for path in c_files(root, PRODUCT_TOPS + TEST_TOPS):
        text = open(os.path.join(root, path), encoding="utf-8", errors="replace").read()
        lines = text.splitlines()
        check_os_ifs(path, lines, problems)
        folder = os.path.dirname(path)
        if folder in dir_layer:
            layer = dir_layer[folder]
            check_includes(path, lines, layer, reachable(layer, below), header_layer, problems)
            check_sql(path, text, owners, table_re, problems)

    for p in problems:
        print(p)
    print(f"check_layers: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
