"""The outbox's own message: a free text written by staff (notices, changes of plan)."""
from .registry import message_template

message_template("notify.text", ko="[서울디지털재단] {text}", en="[Seoul Digital Foundation] {text}",
                 subject_ko="[서울디지털재단] 안내", subject_en="[Seoul Digital Foundation] Notice")
