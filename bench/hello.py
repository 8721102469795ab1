"""The yardstick for `make bench`: a Flask hello world, served by the same gunicorn as riskreg, so
a page's requests per second read as a share of what Flask and gunicorn alone can do here."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
