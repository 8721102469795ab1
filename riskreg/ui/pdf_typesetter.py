"""Typst's side of making a PDF, run by riskreg/ui/pdf.py as a script in a process of its own
for each document: it reads one line of JSON saying what to make (the templates folder, the
template, the fonts folder, the PDF standard, the creation time), then the document's data as
JSON, and writes the PDF to stdout, and to stderr a line of JSON with Typst's warnings or its
error. It imports nothing but the standard library and Typst, so it starts in about 30 ms; and
when it ends, the memory Typst held for the document (half a megabyte a risk at its peak,
which Typst's caches and the allocator would otherwise keep in the web worker) goes with it."""

import json
import sys

import typst


def main() -> int:
    request = json.loads(sys.stdin.buffer.readline())
    data = sys.stdin.buffer.read().decode()
    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[request["fonts"]]
    )
    compiler = typst.Compiler(request["template"], root=request["root"], font_paths=fonts)
    try:
        pdf, warnings = compiler.compile_with_warnings(
            sys_inputs={"data": data},
            pdf_standards=[request["standard"]],
            timestamp=request["timestamp"],
        )
    except typst.TypstError as error:
        report = {"error": error.message, "hints": list(error.hints), "trace": list(error.trace)}
        sys.stderr.write(json.dumps(report))
        return 3
    sys.stderr.write(json.dumps({"warnings": [f"{w.message} {list(w.trace)}" for w in warnings]}))
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
