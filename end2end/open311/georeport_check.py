"""Reads and files through our Open311 GeoReport v2 interface with a third-party client:
the PyPI package `georeport` (0.3.1), in JSON and in XML. Files one request with the key
given (form-encoded, as the spec says), then finds it with the client's every read.

Usage: georeport_check.py BASE_URL API_KEY  -> prints the filed request's id on success.
"""
import sys

import requests
from georeport import GeoReport


def main() -> None:
    base, key = sys.argv[1].rstrip("/") + "/open311/v2", sys.argv[2]
    as_json = GeoReport(base, api_key=key)
    as_xml = GeoReport(base, api_key=key, output_format="xml")

    services = as_json.get_service_list()
    codes = {s["service_code"] for s in services}
    assert "0101" in codes, codes
    assert all(s["metadata"] is False for s in services)
    xml_services = as_xml.get_service_list()
    assert {s["service_code"] for s in xml_services} == codes
    assert as_json.get_service_definition("0101")["service_code"] == "0101"
    assert as_xml.get_service_definition("0101")["service_code"] == "0101"

    filed = requests.post(
        f"{base}/requests.json",
        data={
            "api_key": key,
            "service_code": "0101",
            "description": "渭阳西路与人民路口路灯不亮，夜里行人看不清路",
            "first_name": "芳",
            "last_name": "李",
            "phone": "13700001311",
            "lat": "34.3296",
            "long": "108.7093",
        },
        timeout=30,
    )
    assert filed.status_code == 201, (filed.status_code, filed.text)
    number = filed.json()[0]["service_request_id"]

    found = as_json.get_service_requests(service_request_id=number)
    assert [r["service_request_id"] for r in found] == [number], found
    assert found[0]["status"] == "open"
    assert found[0]["service_code"] == "0101"
    assert "13700001311" not in str(found), "no personal data in the public view"
    listed = as_json.get_service_requests(service_code="0101", status="open")
    assert number in {r["service_request_id"] for r in listed}
    closed = as_json.get_service_requests(status="closed")
    assert all(r["status"] == "closed" for r in closed)
    assert number not in {r["service_request_id"] for r in closed}
    one = as_json.get_service_request(number)
    assert one["service_request_id"] == number and float(one["lat"]) == 34.3296
    one_xml = as_xml.get_service_request(number)
    assert one_xml["service_request_id"] == number and one_xml["status"] == "open", one_xml
    print(number)


if __name__ == "__main__":
    main()
