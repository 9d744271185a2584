from django.urls import path

from .views import formulas, grants, pupils, rounds, years

app_name = "funding"

urlpatterns = [
    # Partnership-scoped pages.
    path("p/<slug:partnership_slug>/funding/", years.overview, name="overview"),
    path("p/<slug:partnership_slug>/funding/years/", years.year_list, name="year_list"),
    path("p/<slug:partnership_slug>/funding/formulas/", formulas.formula_list, name="formula_list"),
    path("p/<slug:partnership_slug>/funding/rounds/", rounds.round_list, name="round_list"),
    path("p/<slug:partnership_slug>/funding/pupil-numbers/", pupils.pupil_numbers, name="pupil_numbers"),
    path("p/<slug:partnership_slug>/funding/grants/", grants.grant_list, name="grant_list"),
    path("p/<slug:partnership_slug>/funding/conditions/", grants.condition_met, name="condition_met"),
    # Pages of one object.
    path("funding/years/<int:pk>/", years.year_detail, name="year_detail"),
    path("funding/years/<int:pk>/close/", years.year_close, name="year_close"),
    path("funding/years/<int:pk>/budget-lines/", years.budget_line_add, name="budget_line_add"),
    path("funding/years/<int:pk>/spending/", years.spending_list, name="spending_list"),
    path("funding/years/<int:pk>/spending.csv", years.spending_csv, name="spending_csv"),
    path("funding/budget-lines/<int:pk>/", years.budget_line_edit, name="budget_line_edit"),
    path("funding/spending/<int:pk>/void/", years.spending_void, name="spending_void"),
    path("funding/formulas/<int:pk>/", formulas.formula_detail, name="formula_detail"),
    path("funding/formulas/<int:pk>/weightings/", formulas.weighting_add, name="weighting_add"),
    path("funding/weightings/<int:pk>/delete/", formulas.weighting_delete, name="weighting_delete"),
    path("funding/rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("funding/rounds/<int:pk>/issue/", rounds.round_issue, name="round_issue"),
    path("funding/rounds/<int:pk>/discard/", rounds.round_discard, name="round_discard"),
    path("funding/rounds/<int:pk>/contributions.csv", rounds.round_csv, name="round_csv"),
    path("funding/rounds/<int:pk>/schools/<int:school_pk>/", rounds.statement, name="statement"),
    path("funding/rounds/<int:pk>/schools/<int:school_pk>/confirm/", rounds.contribution_confirm, name="confirm"),
    path("funding/rounds/<int:pk>/schools/<int:school_pk>/amend/", rounds.contribution_amend, name="amend"),
    path("funding/rounds/<int:pk>/schools/<int:school_pk>/payments/", rounds.payment_add, name="payment_add"),
    path("funding/rounds/<int:pk>/schools/<int:school_pk>/pdf/", rounds.statement_pdf_request, name="statement_pdf"),
    path("funding/statements/<int:pk>/download/", rounds.statement_pdf_download, name="statement_download"),
    path("funding/payments/<int:pk>/reverse/", rounds.payment_reverse, name="payment_reverse"),
    path("funding/agreed-pupil-numbers/<int:pk>/remove/", pupils.agreed_pupil_count_remove, name="agreed_remove"),
    path("funding/grants/<int:pk>/release/", grants.grant_release, name="grant_release"),
]
