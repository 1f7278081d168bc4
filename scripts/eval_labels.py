"""Labels of the evaluation corpora by stored path (shared by scripts/eval and the
training labels list): which class and which source a message of messages.parquet is.

ham = spamassassin ham folders + csdmc ham + enron; spam = spamassassin spam folders +
csdmc spam; phishing = phishing-pot + nazario. Anything else (SOURCE.txt notes the scan
also reads) has no label and is left out."""

import os

SA_HAM = ("easy_ham", "easy_ham_2", "hard_ham", "hard_ham_2")
SA_SPAM = ("spam", "spam_2")


def corpus_paths(corpora):
    """The paths to rescan, in a fixed order."""
    return [
        os.path.join(corpora, "spamassassin-public"),
        os.path.join(corpora, "csdmc2010-spam", "TRAINING"),
        os.path.join(corpora, "phishing-pot", "email"),
        os.path.join(corpora, "nazario-phishing-mbox"),
        os.path.join(corpora, "enron-palimpzest-sample"),
        os.path.join(corpora, "enron-spark-mail-sample"),
    ]


def csdmc_labels(corpora):
    out = {}
    with open(os.path.join(corpora, "csdmc2010-spam", "labels.txt")) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                out[os.path.basename(parts[1])] = parts[0]
    return out


def label(path, corpora, csdmc):
    """(class, source) of a stored path, or None."""
    rel = os.path.relpath(path, corpora)
    parts = rel.split(os.sep)
    if parts[0] == "spamassassin-public" and len(parts) == 3:
        if parts[1] in SA_HAM:
            return ("ham", "spamassassin")
        if parts[1] in SA_SPAM:
            return ("spam", "spamassassin")
    if parts[0] == "csdmc2010-spam" and len(parts) == 3:
        cls = csdmc.get(parts[2])
        if cls:
            return (cls, "csdmc")
    if parts[0] == "phishing-pot" and parts[1] == "email":
        return ("phishing", "phishing-pot")
    if parts[0] == "nazario-phishing-mbox" and rel.endswith(".mbox"):
        return ("phishing", "nazario")
    if parts[0].startswith("enron-") and os.path.basename(rel) != "SOURCE.txt":
        return ("ham", "enron")
    return None


def is_test(sha256_hex):
    """The fixed split: test when the SHA-256's first byte is below 0x55."""
    return int(sha256_hex[:2], 16) < 0x55
