"""The stores the actions use, one shared instance each per process."""

from functools import lru_cache

from gracious.settings import settings
from gracious.stores.company import CompanyData
from gracious.stores.records import Records


@lru_cache(maxsize=1)
def company() -> CompanyData:
    return CompanyData(settings().company_db_url)


@lru_cache(maxsize=1)
def records() -> Records:
    return Records(settings().records_db_url)


def reset() -> None:
    """Forget the shared instances (tests point the settings elsewhere)."""
    company.cache_clear()
    records.cache_clear()
