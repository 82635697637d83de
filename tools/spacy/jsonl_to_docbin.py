"""Turn UniNER Web's corpus JSONL export into a spaCy DocBin (.spacy).

    python tools/spacy/jsonl_to_docbin.py corpus.jsonl corpus.spacy [--lang en] [--strict]

A DocBin stores spaCy's own tokens, so it is written here, by spaCy: each line's text goes through
spacy.blank(lang)'s tokenizer and each span of "spans" (the effective spans: a person's and model spans
nobody rejected; "rejected_spans" are left out) becomes Doc.char_span(start, end, label,
alignment_mode="strict"), which is None when the span starts or ends inside a token. Such spans are
reported, never widened. Every aligned span goes into doc.spans["uniner"] (a SpanGroup may overlap);
doc.ents gets the longest non-overlapping ones (spacy.util.filter_spans), and the overlapping rest is
reported too. Our fields (id, source, score, decision) go into doc.user_data["uniner"].

Reports go to stderr as `file:line: message`, one per span; --strict exits 1 when there is any.
"""

import argparse
import json
import sys

import spacy
from spacy.tokens import DocBin
from spacy.util import filter_spans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="corpus JSONL (npm run extract -- --format spacy-jsonl)")
    parser.add_argument("output", help="the .spacy file to write")
    parser.add_argument("--lang", default="en", help="spaCy language code for spacy.blank (default: en)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any span could not be kept")
    args = parser.parse_args()

    nlp = spacy.blank(args.lang)
    doc_bin = DocBin(store_user_data=True)
    problems = 0
    documents = 0
    with open(args.input, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{args.input}:{number}"
            try:
                record = json.loads(line)
                text = record["text"]
            except (ValueError, KeyError, TypeError) as error:
                print(f"{where}: not a corpus record ({error}); line skipped", file=sys.stderr)
                problems += 1
                continue
            doc = nlp.make_doc(text)
            aligned = []
            for span in record.get("spans", []):
                start, end, label = span["start"], span["end"], span["label"]
                piece = doc.char_span(start, end, label=label, alignment_mode="strict")
                if piece is None:
                    print(
                        f"{where}: span {json.dumps(text[start:end])} [{start}, {end}) {label} "
                        "falls between spaCy tokens; left out, not widened",
                        file=sys.stderr,
                    )
                    problems += 1
                    continue
                aligned.append(piece)
            doc.spans["uniner"] = aligned
            entities = filter_spans(aligned)
            for piece in aligned:
                if piece not in entities:
                    print(
                        f"{where}: span {json.dumps(piece.text)} [{piece.start_char}, {piece.end_char}) "
                        f"{piece.label_} overlaps a longer entity; kept in doc.spans['uniner'] only",
                        file=sys.stderr,
                    )
                    problems += 1
            doc.ents = entities
            doc.user_data["uniner"] = {"id": record.get("id"), "spans": record.get("spans", [])}
            doc_bin.add(doc)
            documents += 1
    doc_bin.to_disk(args.output)
    print(f"{documents} documents written to {args.output}; {problems} problems", file=sys.stderr)
    return 1 if args.strict and problems else 0


if __name__ == "__main__":
    sys.exit(main())
