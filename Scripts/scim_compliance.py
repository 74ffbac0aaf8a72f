"""Runs scim2-tester against a running `kisi-identity serve`; prints counts; exits 1 on any failure.

Usage: scim_compliance.py BASE_URL TOKEN
"""
import sys
from collections import Counter

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

FAILING = {Status.ERROR, Status.CRITICAL}


def main() -> int:
    base_url, token = sys.argv[1], sys.argv[2]
    http = Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    scim = SyncSCIMClient(http)
    scim.discover()
    results = check_server(scim)
    counts = Counter(result.status.name for result in results)
    failures = [r for r in results if r.status in FAILING]
    for result in failures:
        print(f"FAIL [{result.status.name}] {result.resource_type or '-'} {result.title}: {result.reason}")
    for result in results:
        if result.status == Status.DEVIATION:
            print(f"deviation: {result.resource_type or '-'} {result.title}: {result.reason}")
    executed = sum(n for name, n in counts.items() if name != "SKIPPED")
    print(f"scim2-tester: {len(results)} checks, {executed} executed, {len(failures)} failures; "
          + ", ".join(f"{name}={n}" for name, n in sorted(counts.items())))
    return 1 if failures or executed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
