"""Proves that OpenSanctions' own Python client, yente-client (PyPI), works against portwatch's
`POST /match/{dataset}` unchanged: the client builds its requests and validates every response
with its own pydantic models, so a shape portwatch got wrong fails here.

Run by scripts/yente_client_check.sh, which starts a server with a small store; or by hand:
    PORTWATCH_URL=http://127.0.0.1:8443 PORTWATCH_KEY=pwk_... python3 scripts/yente_client_check.py
"""

import os
import sys

from yente_client import Client
from yente_client.entities import Company, Person, Vehicle
from yente_client.exceptions import AuthenticationError, BadRequestError, NotFoundError


def check(condition, message):
    if not condition:
        print(f"FAIL: {message}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {message}")


def main():
    url = os.environ["PORTWATCH_URL"]
    key = os.environ["PORTWATCH_KEY"]
    # The client sends `Authorization: ApiKey <key>`, as to OpenSanctions.
    with Client(base_url=url, api_key=key, app_name="portwatch-check") as client:
        karim = Person(name="Karim Benali", birthDate="1979-04-12", nationality="ma")
        found = client.match(karim)
        top = found.top
        check(top is not None, "a listed person is found by name, birth date and nationality")
        check(top.schema_ == "Person", f"the result is a Person entity ({top.schema_})")
        check(top.caption == "Karim BENALI", f"its caption is the primary name ({top.caption})")
        check(top.match and 0.7 <= top.score <= 1.0, f"it matches with a score in 0..1 ({top.score})")
        check("wanted" in top.properties.get("topics", []), "a red notice reads as the topic `wanted`")
        check(top.properties.get("nationality") == ["ma"], "nationalities are FtM alpha-2 codes")
        check("name_match" in top.explanations, "the explanation's components are scored features")
        check(found.total.value >= 1 and found.total.relation == "eq", "the total is counted")
        check(top.datasets == ["persons"], "the result names the database it comes from")

        kareem = Person(name="Kareem Benaly", birthDate="1979", nationality="ma")
        loose = client.match(kareem)
        check(loose.top is not None and loose.top.score < 1.0, f"a spelling variant is found ({loose.top.score})")
        strict = client.match(kareem, threshold=loose.top.score + 0.001)
        check(strict.results == [], "above its score it is cut (the cutoff follows the threshold)")

        only_docs = client.match(karim, datasets=["documents"])
        check(only_docs.results == [], "the `documents` dataset leaves persons out")

        company = client.match(Company(name="Brilliant Amazing Limited", jurisdiction="hk"))
        check(company.results == [] and company.total.value == 0, "a company is answered with nothing")

        car = client.match(Vehicle(registrationNumber="1234 BCD", country="es"))
        check(car.top is not None and car.top.schema_ == "Vehicle", "a stolen car is found by its plate")

        batch = dict(client.match_iter([("k", karim), ("c", company_entity())], workers=2))
        check(batch["k"].top is not None and batch["c"].results == [], "match_iter runs a batch")

        try:
            client.match(karim, datasets=["sanctions"])
            check(False, "an unknown dataset is refused")
        except NotFoundError:
            check(True, "an unknown dataset is refused as yente refuses it (404)")
        try:
            client.match(Person(name="A B", birthDate="1979-13-01"))
            check(False, "a date that does not exist is refused")
        except BadRequestError:
            check(True, "a date that does not exist is refused (400)")

    with Client(base_url=url, api_key="pwk_not_a_key") as stranger:
        try:
            stranger.match(Person(name="Karim Benali"))
            check(False, "an unknown key is refused")
        except AuthenticationError:
            check(True, "an unknown key is refused (401)")
    print("yente-client works against portwatch")


def company_entity():
    return Company(name="Brilliant Amazing Limited")


if __name__ == "__main__":
    main()
