"""Derives the golden token ids of qwen3-tools-prompt.txt without transformers or tokenizers.

Byte-level BPE done by hand from tokenizer.json: (1) cut the text at the added tokens (<|im_start|>, <|im_end|>,
<tool_call>, ... are single ids); (2) split each piece with the pre-tokenizer's regex (Split, Isolated); (3) map
bytes to GPT-2's printable characters (space -> 'Ġ', newline -> 'Ċ'); (4) apply the merges in rank order; (5) look
the resulting pieces up in model.vocab. Run: python3 qwen3_golden_ids.py DATA/qwen3-tokenizer > qwen3-tools-prompt.ids
(needs the `regex` module for \\p{L}).
"""
import json
import sys

import regex

tok = json.load(open(sys.argv[1] + "/tokenizer.json", encoding="utf-8"))
vocab = tok["model"]["vocab"]
ranks = {tuple(m.split(" ") if isinstance(m, str) else m): i for i, m in enumerate(tok["model"]["merges"])}
added = {a["content"]: a["id"] for a in tok["added_tokens"]}
split = regex.compile(tok["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"])


def byte_chars():  # GPT-2's bytes_to_unicode
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTES = byte_chars()


def bpe(word):
    parts = list(word)
    while len(parts) > 1:
        pairs = [(ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
        rank, i = min(pairs)
        if rank == 1 << 30:
            break
        parts[i:i + 2] = [parts[i] + parts[i + 1]]
    return parts


def encode(text):
    ids = []
    specials = regex.compile("(" + "|".join(regex.escape(a) for a in sorted(added, key=len, reverse=True)) + ")")
    for chunk in specials.split(text):
        if chunk in added:
            ids.append(added[chunk])
            continue
        for piece in split.findall(chunk):
            ids.extend(vocab[p] for p in bpe("".join(BYTES[b] for b in piece.encode("utf-8"))))
    return ids


if __name__ == "__main__":
    here = __file__.rsplit("/", 1)[0]
    text = open(here + "/qwen3-tools-prompt.txt", encoding="utf-8").read().split("\n", 1)[1]
    print("# Token ids of qwen3-tools-prompt.txt (its text after the first line), derived by qwen3_golden_ids.py from"
          " tokenizer.json's added tokens, pre-tokenizer regex, merges and vocab.")
    print(" ".join(map(str, encode(text))))
