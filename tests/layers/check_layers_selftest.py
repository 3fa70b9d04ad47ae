#!/usr/bin/env python3
"""check_layers.py catches what it is meant to catch.

usage: check_layers_selftest.py SOURCE_DIR SCRATCH_DIR

Copies the sources the check reads into SCRATCH_DIR, checks that the copy
passes, then plants one violation at a time (an OS #ifdef, an include of a
higher layer, SQL on a table from a module that does not own it, a folder
in no layer, a changed layer table) and checks that each fails with the
expected message; and that the owner itself may write its SQL.
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check_layers.py")
failures = []


def copy_tree(src, dst):
    if os.path.exists(dst):
        shutil.rmtree(dst)
    for top in ("common", "config", "probes", "service", "tests"):
        for d, subdirs, files in os.walk(os.path.join(src, top)):
            rel = os.path.relpath(d, src)
            for f in files:
                if f.endswith((".c", ".h")):
                    os.makedirs(os.path.join(dst, rel), exist_ok=True)
                    shutil.copy(os.path.join(d, f), os.path.join(dst, rel, f))
    for rel in ("cmake/WwLayers.cmake", "docs/store.md"):
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copy(os.path.join(src, rel), os.path.join(dst, rel))


def run(root):
    p = subprocess.run([sys.executable, CHECK, root], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def case(name, root, edits, want_rc, want=None):
    """Apply edits (path, function of the text), run the check, restore."""
    saved = {}
    for rel, fn in edits:
        path = os.path.join(root, rel)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        saved[path] = old
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(fn(old or ""))
    rc, out = run(root)
    for path, old in saved.items():
        if old is None:
            os.remove(path)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(old)
    ok = rc == want_rc and (want is None or re.search(want, out))
    print(f"{'ok  ' if ok else 'FAIL'} {name} (exit {rc})")
    if not ok:
        failures.append(name)
        print(out)


def append(line):
    return lambda text: text + "\n" + line + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, root = sys.argv[1], sys.argv[2]
    copy_tree(src, root)
    case("the unmodified copy passes", root, [], 0)
    case("#ifdef _WIN32 in common/util.c", root,
         [("common/util.c", append("#ifdef _WIN32\n#endif"))], 1,
         r"common/util\.c:\d+: OS conditional on _WIN32")
    case("#if defined(__linux__) in a test", root,
         [("tests/unit/test_util.c", append("#if defined(__linux__)\n#endif"))], 1,
         r"tests/unit/test_util\.c:\d+: OS conditional on __linux__")
    case("#elif _MSC_VER in config/config.c", root,
         [("config/config.c", append("#if 0\n#elif _MSC_VER\n#endif"))], 1,
         r"OS conditional on _MSC_VER")
    case("#include \"config.h\" in common/util.c", root,
         [("common/util.c", append('#include "config.h"'))], 1,
         r'common/util\.c:\d+: #include "config\.h": ww_base may not include a header of ww_config')
    case("#include \"control.h\" in diagnose (not below it)", root,
         [("service/diagnose/diag_log.c", append('#include "control.h"'))], 1,
         r"ww_diagnose may not include a header of ww_control")
    case("#include \"health.h\" in diagnose (below it) passes", root,
         [("service/diagnose/diag_log.c", append('#include "health.h"'))], 0)
    case("a header of no layer", root,
         [("service/app/cli.c", append('#include "nowhere.h"'))], 1,
         r'"nowhere\.h" is no header of any layer')
    case("a folder in no layer", root,
         [("service/newthing/x.c", append("int x;"))], 1,
         r"service/newthing/x\.c: in no layer's folder")
    case("the layer table is read: ww_sources no longer above ww_config", root,
         [("cmake/WwLayers.cmake",
           lambda t: t.replace("set(WW_LAYER_ww_sources_BELOW ww_config)",
                               "set(WW_LAYER_ww_sources_BELOW ww_base)"))], 1,
         r"ww_sources may not include a header of ww_config")
    case("SQL on probe_result from service/output/metrics.c", root,
         [("service/output/metrics.c",
           append('static const char q[] = "SELECT at FROM"\n\t" probe_result";'))], 1,
         r"service/output/metrics\.c:\d+: SQL on table probe_result, which it does not own")
    case("SQL on alert from probes/host/hostcfg.c", root,
         [("probes/host/hostcfg.c",
           append('static const char q[] = "INSERT INTO alert(name) VALUES (1)";'))], 1,
         r"SQL on table alert, which")
    case("SQL on probe_result from its owner passes", root,
         [("probes/endpoint/endpoint_store.c",
           append('static const char q[] = "SELECT at FROM probe_result";'))], 0)
    case("a table's name in a comment or in prose passes", root,
         [("service/output/metrics.c",
           append('/* SELECT at FROM probe_result */\nstatic const char m[] = "read probe_result";'))], 0)
    case("the owners table is read", root,
         [("docs/store.md",
           lambda t: t.replace("| `wsus_event` | `probes/events/evstore.c` |",
                               "| `wsus_event` | `probes/events/wsus_event.c` |"))], 1,
         r"probes/events/evstore\.c:\d+: SQL on table wsus_event")
    shutil.rmtree(root)
    print(f"{len(failures)} case(s) failed" if failures else "all cases passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
