"""`pk__in` with a number too big for the column gives no row, not a crash.

Django already answers `pk=99999999999999999999` with an empty result, but `__in` passes the
number to the database as is: SQLite raises OverflowError (a 500 when a form's multiple-choice
field is posted a huge id). Out-of-range values cannot match any row, so they are dropped."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
