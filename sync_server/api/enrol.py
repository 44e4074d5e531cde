"""`POST /enrol`: a device trades a one-time enrolment code for a device token of its own.

No token is needed (the device has none yet). Every wrong code gets the same answer, whether it
was never issued, already used, expired or its user revoked: the answer tells a guesser nothing.
Wrong codes are limited per client address (`enrolment.begin_attempt`); behind a reverse proxy
on the same machine, uvicorn takes the address from X-Forwarded-For."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..deps import ClockDep, SessionsDep
from ..enrolment import WRONG_CODE_LIMIT, WRONG_CODE_WINDOW, begin_attempt, forget_attempt, redeem_code
from ..errors import (
    INVALID_ENROLMENT_CODE, TOO_MANY_ENROLMENT_ATTEMPTS, ApiError, ErrorDetail, error_responses,
)
from ..schemas import EnrolAnswer, EnrolRequest

router = APIRouter(tags=["enrolment"])


@router.post("/enrol", status_code=201, responses=error_responses(400, 413, 422, 429))
def post_enrol(body: EnrolRequest, request: Request, sessions: SessionsDep,
               clock: ClockDep) -> EnrolAnswer:
    """Enrol a device with a code from `audit-server enrol`: 201 with a new device token."""
    now = clock()
    client = request.client.host if request.client else "unknown"
    with sessions() as session:
        attempt_id, wait = begin_attempt(session, client, now)
        if wait is not None:
            raise ApiError(429, TOO_MANY_ENROLMENT_ATTEMPTS,
                           f"more than {WRONG_CODE_LIMIT} wrong enrolment codes in "
                           f"{WRONG_CODE_WINDOW.seconds // 60} minutes; try again in {wait} s",
                           headers={"Retry-After": str(wait)})
        enrolment = redeem_code(session, body.code, now)
        if enrolment is None:
            raise ApiError(400, INVALID_ENROLMENT_CODE,
                           "this enrolment code is not valid: it may be mistyped, used already "
                           "or expired; ask for a new one",
                           [ErrorDetail(code=INVALID_ENROLMENT_CODE, path="code",
                                        message="not a valid enrolment code")])
        forget_attempt(session, attempt_id)
    return EnrolAnswer(token=enrolment.token, name=enrolment.name, role=enrolment.role,  # type: ignore[arg-type]
                       region=enrolment.region)
