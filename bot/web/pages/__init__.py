"""Every page of the web app, listed once: name -> (view, who may see it: the same roles as in chat)."""

from __future__ import annotations

from bot.services import web_access
from bot.services.domain.people import Person
from bot.web.pages import assessment, attendance, duty, payments, tickets, urgent


def anyone(person: Person) -> bool:
    return True


PAGES = {
    "assessment": (assessment.view, web_access.may_see_score),      # as /score
    "attendance": (attendance.view, web_access.may_see_attendance),  # as /attendance (engineers: their own)
    "tickets": (tickets.view, anyone),                               # as /tickets
    "urgent": (urgent.view, anyone),                                 # as /urgents
    "duty": (duty.view, anyone),                                     # as /oncall, /dutyplan
    "payments": (payments.view, web_access.may_see_score),          # as /payments
}

# Further routes: (path, page name for the audit, view, rule)
ROUTES = [("/tickets/{ticket_id:int}", "ticket", tickets.detail, anyone)]
