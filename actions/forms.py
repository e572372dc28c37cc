"""The base of our form validations: which slots a form still asks for, decided from the tracker."""

from __future__ import annotations

from abc import abstractmethod
from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict


class FormValidation(FormValidationAction):
    """``validate_<form>``: ``needed`` returns the slots still to ask for."""

    form: Text = ""

    def name(self) -> Text:
        return f"validate_{self.form}"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return await self.needed(tracker, domain_slots)

    @abstractmethod
    async def needed(self, tracker: Tracker, domain_slots: List[Text]) -> List[Text]:
        """The slots still to ask for, of ``domain_slots`` (the form's, in the domain)."""
