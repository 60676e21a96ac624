"""Promote companies through the lifecycle."""

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from cl_app.models import CompanyIdentity, LifecycleState, OutreachCampaign
from cl_app.settings import CL_SCHEMA, HISTORY_TABLES


def promote(session: Session, company_id: str, stage: str) -> None:
    session.add(LifecycleState(company_id=company_id, stage=stage))
    session.execute(update(CompanyIdentity).where(CompanyIdentity.company_id == company_id).values(name="x"))
    campaigns = session.scalars(select(OutreachCampaign).where(OutreachCampaign.company_id == company_id))
    for campaign in campaigns:
        print(campaign.status)
    # a lifecycle change pauses the company's outreach: Outreach's table, not ours
    session.query(OutreachCampaign).filter_by(company_id=company_id).update({"status": "paused"})
    session.execute(text(f"DELETE FROM {CL_SCHEMA}.merge_records WHERE company_id = :id"), {"id": company_id})


def archive(session: Session) -> None:
    for table in HISTORY_TABLES:
        session.execute(text(f"DELETE FROM {CL_SCHEMA}.{table} WHERE archived"))
