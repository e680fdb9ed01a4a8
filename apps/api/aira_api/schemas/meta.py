from pydantic import BaseModel, Field


class Meta(BaseModel):
    offline: bool = Field(description="True when answers come from the offline responder")
    model: str | None = Field(description="The language model answering, None when offline")
