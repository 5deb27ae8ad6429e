"""apps.prepared: a queryset compiled once per process and connection, run again with each
call's arguments. What it promises: the same rows as the ORM's queryset (model instances
with their select_related objects), each call's arguments bound to that call, a closed and
reopened connection and a new connection (another thread) served alike, and one user's
memberships never handed to another."""

import threading

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from apps.organizations.middleware import active_memberships
from apps.organizations.models import Membership, Organization
from apps.organizations.roles import Role
from apps.prepared import Prepared, execute_prepared
from tests import factories


def _memberships(user_id):
    """The same queryset as the workspace middleware's (organizations.middleware)."""
    return (Membership.objects.select_related("organization", "organization__reseller")
            .filter(user_id=user_id, organization__is_active=True)
            .order_by("organization__name"))


def _shown(memberships):
    """What the organization switcher reads of each membership: its organization, its role
    and the organization's reseller record (None for a provider)."""
    shown = []
    for membership in memberships:
        try:
            partner_id = membership.organization.reseller.partner_id
        except ObjectDoesNotExist:
            partner_id = None
        shown.append((membership.pk, membership.role, membership.organization.pk,
                      membership.organization.name, membership.organization.slug,
                      membership.organization.kind, partner_id))
    return shown


@pytest.fixture
def prep_two_workspaces(contoso, northwind, tailspin):
    """A person in Contoso (admin) and Northwind (sales), and one in Tailspin only."""
    both = factories.member(contoso, role=Role.ADMIN)
    factories.MembershipFactory(user=both, organization=northwind, role=Role.SALES)
    other = factories.member(tailspin, role=Role.ADMIN)
    return both, other


def test_prepared_gives_the_orm_rows_with_their_related_objects(
        prep_two_workspaces, northwind, django_assert_num_queries):
    both, _other = prep_two_workspaces
    prepared = Prepared(_memberships)
    expected = _shown(_memberships(both.pk))
    assert len(expected) == 2
    assert _shown(prepared(both.pk)) == expected  # first call: compiles
    # Then one statement, and the organization and its reseller record come with it.
    with django_assert_num_queries(1):
        rows = prepared(both.pk)
        shown = _shown(rows)
    assert shown == expected
    assert all(isinstance(row, Membership) for row in rows)
    # By organization name: Contoso (a provider, no reseller record), then Northwind.
    assert [(row[3], row[6]) for row in shown] == [
        ("Contoso Distribution", None), ("Northwind Traders", northwind.reseller.partner_id)]


def test_each_call_binds_its_own_arguments(prep_two_workspaces, northwind):
    both, other = prep_two_workspaces
    prepared = Prepared(_memberships)
    assert [m.organization.name for m in prepared(both.pk)] == sorted(
        m.organization.name for m in _memberships(both.pk))
    # The kept statement, another user: only that user's memberships.
    theirs = prepared(other.pk)
    assert _shown(theirs) == _shown(_memberships(other.pk))
    assert {m.user_id for m in theirs} == {other.pk}
    assert northwind.pk not in {m.organization_id for m in theirs}
    # A user with no membership at all: nothing, not the previous call's rows.
    nobody = factories.UserFactory()
    assert prepared(nobody.pk) == []
    # And the first user again.
    assert _shown(prepared(both.pk)) == _shown(_memberships(both.pk))


def test_a_deactivated_organization_drops_out_on_the_next_call(prep_two_workspaces,
                                                               northwind):
    both, _other = prep_two_workspaces
    prepared = Prepared(_memberships)
    assert northwind.pk in {m.organization_id for m in prepared(both.pk)}
    Organization.objects.filter(pk=northwind.pk).update(is_active=False)
    assert northwind.pk not in {m.organization_id for m in prepared(both.pk)}


def test_the_workspace_middleware_reads_memberships_through_it(prep_two_workspaces):
    both, other = prep_two_workspaces
    assert _shown(active_memberships(both)) == _shown(_memberships(both.pk))
    assert _shown(active_memberships(other)) == _shown(_memberships(other.pk))


@pytest.mark.django_db(transaction=True)
def test_a_closed_and_reopened_connection_and_a_new_one_are_served(contoso, tailspin):
    first = factories.member(contoso, role=Role.ADMIN)
    second = factories.member(tailspin, role=Role.ADMIN)
    prepared = Prepared(_memberships)
    expected_first = _shown(_memberships(first.pk))
    expected_second = _shown(_memberships(second.pk))
    assert _shown(prepared(first.pk)) == expected_first
    # The connection closed (a CONN_MAX_AGE expiry, a database restart): the next call
    # opens a new one and runs the kept statement on it.
    connection.close()
    assert connection.connection is None
    assert _shown(prepared(second.pk)) == expected_second
    assert _shown(prepared(first.pk)) == expected_first

    # Another thread has a connection of its own: compiled there too, each call its rows.
    found = {}

    def in_thread():
        try:
            found["second"] = _shown(prepared(second.pk))
            found["first"] = _shown(prepared(first.pk))
        finally:
            connections.close_all()

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(30)
    assert found == {"second": expected_second, "first": expected_first}
    # And this thread's connection still answers with its own kept statement.
    assert _shown(prepared(second.pk)) == expected_second


# ------------------------------------------------------------ prepared on the server

def _server_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, statement FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def test_a_statement_is_prepared_on_the_server_once_per_connection(prep_two_workspaces):
    both, other = prep_two_workspaces
    prepared = Prepared(_memberships)
    prepared(both.pk)
    expected, expected_other = _shown(_memberships(both.pk)), _shown(_memberships(other.pk))
    with CaptureQueriesContext(connection) as first:
        assert _shown(prepared(both.pk)) == expected
    # Compiled and prepared by the call before: the server only executes it now, with
    # this call's value, and another user's call gets that user's rows.
    assert len(first) == 1
    assert first[0]["sql"].startswith("EXECUTE pc_")
    with CaptureQueriesContext(connection) as second:
        assert _shown(prepared(other.pk)) == expected_other
    assert second[0]["sql"] == first[0]["sql"].replace(str(both.pk), str(other.pk))
    statements = _server_statements()
    name = first[0]["sql"].split()[1].split("(")[0]
    assert "organizations_membership" in statements[name]
    assert "$1" in statements[name]


def test_values_that_need_quoting_and_a_percent_sign_are_bound_not_spliced(db):
    sql = "SELECT %s::text || '%%', %s::int + 1"
    with connection.cursor() as cursor:
        for value in ["it's", "100%", "'); DROP TABLE x; --", "二"]:
            execute_prepared(cursor, sql, [value, 41])
            assert cursor.fetchone() == (f"{value}%", 42)


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again_and_a_failed_statement_is_retried(contoso):
    sql = "SELECT count(*) FROM organizations_organization WHERE id = %s"
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, [contoso.pk])
        assert cursor.fetchone() == (1,)
    connection.close()  # the server forgets what the old connection prepared
    with connection.cursor() as cursor:
        execute_prepared(cursor, sql, [contoso.pk])
        assert cursor.fetchone() == (1,)
        # A value the statement cannot take: an error, and the next call works.
        with pytest.raises(DataError), transaction.atomic():
            execute_prepared(cursor, "SELECT %s::int", ["not a number"])
        execute_prepared(cursor, "SELECT %s::int", ["7"])
        assert cursor.fetchone() == (7,)


def test_off_the_statement_runs_as_it_is(db, settings, contoso):
    settings.PORTAL_DB_SERVER_PREPARE = False
    with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
        execute_prepared(cursor, "SELECT name FROM organizations_organization WHERE id = %s",
                         [contoso.pk])
        assert cursor.fetchone() == (contoso.name,)
    assert captured[0]["sql"].startswith("SELECT name")
