"""The demo website's Demo sign-in, as a visitor uses it in the browser (server/site/sign_in.py)."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from tests.helpers.browser import wait

# The demo customers (demo/company.yml) by id.
MAYA, DANIEL, PRIYA = ("C001", "Maya Okafor"), ("C002", "Daniel Reyes"), ("C003", "Priya Natarajan")


def sign_in_box(driver: WebDriver) -> str:
    """What the page's Demo sign-in box says."""
    return wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, ".demo-sign-in")).text


def sign_in_as(driver: WebDriver, customer: tuple) -> None:
    """Sign in as ``customer`` (id, name) with the page's Demo sign-in box; wait for the page to say so."""
    customer_id, name = customer
    assert "guest" in sign_in_box(driver)
    Select(driver.find_element(By.ID, "demo-customer")).select_by_value(customer_id)
    driver.find_element(By.CSS_SELECTOR, ".demo-sign-in button[type=submit]").click()
    wait(driver).until(lambda d: f"Signed in as {name}" in sign_in_box(d))
