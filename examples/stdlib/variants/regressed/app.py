"""A product-search service on the Python standard library only.

Run:  PORT=8000 python3 app.py
Endpoints:
  GET /healthz                         -> 200 "ok"
  GET /search?tag=garden&q=lamp&limit=20 -> the best-matching items carrying `tag`, as JSON
Environment:
  PERFGATE_SLOWDOWN=0.05  after each request, burn 5% more CPU than handling it used (default 0):
                          a calibrated regression for perfgate's statistics evaluation (bench/stats)
"""

import hashlib
import heapq
import json
import os
import random
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TAGS = [
    "garden", "kitchen", "office", "outdoor", "lighting", "storage", "kids", "pets",
    "bath", "bedroom", "tools", "travel", "sport", "music", "books", "gifts",
    "decor", "textile", "eco", "smart", "vintage", "summer", "winter", "sale",
    "new", "premium", "budget", "diy", "craft", "camping", "fitness", "audio",
    "video", "gaming", "coffee", "tea", "baking", "cleaning", "safety", "party",
]
WORDS = [
    "lamp", "chair", "table", "shelf", "basket", "mug", "kettle", "lantern", "rug", "pillow",
    "blanket", "speaker", "charger", "cable", "bottle", "planter", "hose", "bench", "clock",
    "frame", "mirror", "hook", "box", "tray", "bowl", "knife", "board", "brush", "towel", "bag",
]
ADJECTIVES = [
    "solar", "wooden", "folding", "compact", "classic", "modern", "rustic", "wireless",
    "portable", "cozy", "large", "small", "bright", "quiet", "sturdy", "handmade",
]


def build_catalog(size=2000, seed=7):
    """A deterministic catalog: every start of the app serves the same data."""
    rng = random.Random(seed)
    catalog = []
    for item_id in range(1, size + 1):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(WORDS)}"
        description = " ".join(rng.choice(ADJECTIVES + WORDS) for _ in range(12))
        catalog.append({
            "id": item_id,
            "name": name,
            "description": description,
            "tags": rng.sample(TAGS, 3),
            "price_cents": rng.randrange(199, 49999),
            "rating": round(rng.uniform(1.0, 5.0), 1),
        })
    return catalog


CATALOG = build_catalog()
# Search reads these, never the raw strings: tokenizing and indexing happen once, at startup.
TOKENS = {item["id"]: frozenset(f"{item['name']} {item['description']}".lower().split()) for item in CATALOG}
TAG_INDEX = {}
for _item in CATALOG:
    for _tag in _item["tags"]:
        TAG_INDEX.setdefault(_tag, []).append(_item)


def score(item, terms):
    """Relevance: query terms found in the item's text, name hits first, then rating."""
    # Tokenize the item itself, so that an edited name or description is searchable at once.
    #
    # THE KNOWN REGRESSION of this example: TOKENS already holds these sets, built once at startup.
    # Rebuilding them here runs lower() + split() + set() on every candidate (~150 items per tag) on
    # every request: the search does twice the work, and each request costs about half as much CPU
    # again. It reads like a harmless freshness fix in review, and every response is still correct.
    tokens = set(f"{item['name']} {item['description']}".lower().split())
    hits = sum(1 for term in terms if term in tokens)
    name_hits = sum(1 for term in terms if term in item["name"])
    return (hits + 2 * name_hits, item["rating"])


def search(tag, query, limit):
    terms = query.lower().split()
    candidates = TAG_INDEX.get(tag.lower(), [])
    best = heapq.nlargest(limit, candidates, key=lambda item: score(item, terms))
    return [
        {"id": item["id"], "name": item["name"], "price_cents": item["price_cents"], "rating": item["rating"]}
        for item in best
    ]


def read_slowdown():
    value = os.environ.get("PERFGATE_SLOWDOWN", "0")
    try:
        slowdown = float(value)
    except ValueError:
        sys.exit(f"PERFGATE_SLOWDOWN must be a number (a fraction such as 0.05), got {value!r}")
    if not 0 <= slowdown <= 10:
        sys.exit(f"PERFGATE_SLOWDOWN must be between 0 and 10, got {slowdown}")
    return slowdown


SLOWDOWN = read_slowdown()
_BURN_CHUNK = b"perfgate" * 8


def burn_cpu(cpu_seconds):
    """Hashes until this thread has used `cpu_seconds` more CPU: real work, unlike sleeping.

    Thread CPU time, not wall time, so CPU steal or other threads holding the GIL do not shorten it.
    """
    digest = hashlib.sha256()
    deadline = time.thread_time() + cpu_seconds
    while time.thread_time() < deadline:
        digest.update(_BURN_CHUNK)


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections alive between requests (the load generator reuses them);
    # every response must then carry Content-Length.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body then waits for the
    # client's delayed ACK (~40 ms on Linux) and every request takes at least that long.
    disable_nagle_algorithm = True

    def handle_one_request(self):
        # The whole request as this thread saw it (reading and parsing it, the handler, writing the
        # response); waiting for the client is not CPU time. Measured at every slowdown, 0 included,
        # so an A/A pair runs identical code.
        started_cpu = time.thread_time()
        super().handle_one_request()
        if SLOWDOWN > 0:
            burn_cpu(SLOWDOWN * (time.thread_time() - started_cpu))

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/healthz":
            self.send_body(200, b"ok", "text/plain")
            return
        if url.path == "/search":
            params = parse_qs(url.query)
            try:
                limit = max(1, min(100, int(params.get("limit", ["20"])[0])))
            except ValueError:
                self.send_body(400, b'{"error": "limit must be an integer"}', "application/json")
                return
            results = search(params.get("tag", [""])[0], params.get("q", [""])[0], limit)
            self.send_body(200, json.dumps({"count": len(results), "items": results}).encode(), "application/json")
            return
        self.send_body(404, b'{"error": "not found"}', "application/json")

    def send_body(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        # One line per request would cost more than some requests do, and fill the log.
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Load generators drop their keep-alive connections when they stop: that is not a server bug.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def main():
    port = int(os.environ.get("PORT", "8000"))
    server = Server(("127.0.0.1", port), Handler)
    print(f"serving on http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
