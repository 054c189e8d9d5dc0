"""The side effects a recruitment workflow asks for, each as one activity call with its policy.

Activities are referred to by name so the workflow code never imports an I/O adapter. Every call
carries a summary that reads well in the Temporal UI's event history.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from recruitment.models import (
        ArchiveEntry,
        DeliveryReceipt,
        ErasureRequest,
        ErasureResult,
        Notification,
        OpenRoleQuery,
        OpenRoles,
    )

# A letter must get through: retry with backoff for as long as it takes, except when the mail
# server says the address can never be delivered to.
DELIVERY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
    non_retryable_error_types=["Undeliverable"],
)
ARCHIVE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=5)
)
# Matching other roles is a nicety for the brief; a call must not wait on visibility for long.
LOOKUP_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=5)


async def deliver(notification: Notification, summary: str) -> DeliveryReceipt:
    return await workflow.execute_activity(
        "deliver_notification",
        notification,
        result_type=DeliveryReceipt,
        start_to_close_timeout=timedelta(seconds=60),
        retry_policy=DELIVERY_RETRY,
        summary=summary,
    )


async def archive(entry: ArchiveEntry, summary: str) -> bool:
    return await workflow.execute_activity(
        "archive_entry",
        entry,
        result_type=bool,
        start_to_close_timeout=timedelta(seconds=30),
        retry_policy=ARCHIVE_RETRY,
        summary=summary,
    )


async def find_open_roles(query: OpenRoleQuery, summary: str) -> OpenRoles:
    return await workflow.execute_activity(
        "find_open_roles",
        query,
        result_type=OpenRoles,
        start_to_close_timeout=timedelta(seconds=30),
        retry_policy=LOOKUP_RETRY,
        summary=summary,
    )


async def erase(request: ErasureRequest, summary: str) -> ErasureResult:
    return await workflow.execute_activity(
        "erase_candidate_data",
        request,
        result_type=ErasureResult,
        start_to_close_timeout=timedelta(seconds=60),
        retry_policy=ARCHIVE_RETRY,
        summary=summary,
    )
