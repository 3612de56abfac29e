"""An order-analytics API on Flask.

Run:  gunicorn -k gthread -w 2 --threads 4 -b 127.0.0.1:8000 app:app
Endpoints:
  GET /healthz                           -> 200 "ok"
  GET /api/customers/<id>/summary        -> spend per category, top products and order count, as JSON
"""

import random
from collections import Counter, defaultdict

from flask import Flask, abort, jsonify

CATEGORIES = ["books", "garden", "kitchen", "toys", "audio", "office", "sport", "pets", "bath", "tools"]


def build_store(products=300, customers=400, orders=6000, seed=11):
    """Deterministic data: every worker of every start serves the same store."""
    rng = random.Random(seed)
    catalog = [
        {
            "id": product_id,
            "name": f"{rng.choice(CATEGORIES)} item {product_id}",
            "category": rng.choice(CATEGORIES),
            "price_cents": rng.randrange(99, 19999),
            "discontinued": rng.random() < 0.05,
        }
        for product_id in range(1, products + 1)
    ]
    order_list = [
        {
            "id": order_id,
            "customer_id": rng.randrange(1, customers + 1),
            "lines": [
                {"product_id": rng.randrange(1, products + 1), "quantity": rng.randrange(1, 4)}
                for _ in range(rng.randrange(1, 5))
            ],
        }
        for order_id in range(1, orders + 1)
    ]
    return catalog, order_list


PRODUCTS, ORDERS = build_store()
PRODUCTS_BY_ID = {product["id"]: product for product in PRODUCTS}
ORDERS_BY_CUSTOMER = defaultdict(list)
for _order in ORDERS:
    ORDERS_BY_CUSTOMER[_order["customer_id"]].append(_order)

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return "ok"


def find_product(product_id):
    """The product with this id, or None when it is unknown or discontinued."""
    # Scan the catalog, so a product discontinued after startup is skipped without rebuilding an index.
    #
    # THE KNOWN REGRESSION of this example: PRODUCTS_BY_ID answered this in O(1); the scan costs
    # O(catalog) per call (150 comparisons on average for 300 products), and the summary calls it for
    # every order line (~40 per customer). The output is identical, so no test notices; only the CPU
    # each request costs grows, by about 40%.
    for product in PRODUCTS:
        if product["id"] == product_id:
            return None if product["discontinued"] else product
    return None


@app.get("/api/customers/<int:customer_id>/summary")
def customer_summary(customer_id):
    orders = ORDERS_BY_CUSTOMER.get(customer_id)
    if not orders:
        abort(404)
    spend_by_category = Counter()
    units_by_product = Counter()
    total_cents = 0
    for order in orders:
        for line in order["lines"]:
            product = find_product(line["product_id"])
            if product is None:
                continue
            amount = line["quantity"] * product["price_cents"]
            total_cents += amount
            spend_by_category[product["category"]] += amount
            units_by_product[product["id"]] += line["quantity"]
    top_products = [
        {"id": product_id, "name": PRODUCTS_BY_ID[product_id]["name"], "units": units}
        for product_id, units in units_by_product.most_common(5)
    ]
    return jsonify(
        customer_id=customer_id,
        orders=len(orders),
        total_cents=total_cents,
        spend_by_category=dict(spend_by_category.most_common()),
        top_products=top_products,
    )
