"""tripleo-common's own node validator (validate_nodes) on every file of the
node-file corpus, as the differential test in
__tests__/lab/node-corpus.test.ts reads it:

    PYTHONPATH=<tripleo-common> python3 tripleo_validate_corpus.py CORPUS_DIR

prints {file: "" when valid, else tripleo-common's error}. Two rules labcdk
relaxes on purpose are given to it in the form it takes: the legacy "mac" list
goes in as "ports", a "profile" field as the capability "profile:<value>".
"""
import json
import os
import sys

from tripleo_common.utils import nodes as tn


def as_tripleo_takes_it(node):
    if isinstance(node, dict) and "mac" in node:
        node["ports"] = [{"address": m} for m in node.pop("mac")]
    if isinstance(node, dict) and "profile" in node:
        caps = tn.capabilities_to_dict(node.get("capabilities"))
        caps.setdefault("profile", node.pop("profile"))
        node["capabilities"] = tn.dict_to_capabilities(caps)
    return node


def main(corpus):
    verdicts = {}
    for name in sorted(os.listdir(corpus)):
        if name == "expected-problems.json":
            continue
        with open(os.path.join(corpus, name)) as handle:
            data = json.load(handle)
        try:
            tn.validate_nodes([as_tripleo_takes_it(node) for node in data["nodes"]])
            verdicts[name] = ""
        except Exception as error:  # tripleo-common raises several kinds; the message is the verdict
            verdicts[name] = str(error)
    print(json.dumps(verdicts))


if __name__ == "__main__":
    main(sys.argv[1])
