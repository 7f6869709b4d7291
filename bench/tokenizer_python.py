"""./wb bench tokenizer, the peer: tools/fixtures/bpe_reference.py, the independent pure-Python byte-level BPE that
writes chapter 11's goldens (the same algorithm: the same chunks, tie rule and merge-rank encoding), on the bytes
bench_tokenizer wrote.
    tokenizer_python.py CORPUS VOCAB
Prints one JSON line: the seconds of training and of encoding (one round each), and the merges and ids, which the
driver compares with ours."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "fixtures"))
import bpe_reference  # noqa: E402


def main(corpus_path, vocab):
    with open(corpus_path, "rb") as f:
        text = f.read()
    specials = [b"<|endoftext|>"]
    started = time.perf_counter()
    merges, _ = bpe_reference.train(text, vocab, specials)
    train_s = time.perf_counter() - started
    started = time.perf_counter()
    ids = bpe_reference.encode(merges, specials, text)
    encode_s = time.perf_counter() - started
    print(json.dumps({"train_s": train_s, "encode_s": encode_s, "merges": [list(m) for m in merges], "ids": ids}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
