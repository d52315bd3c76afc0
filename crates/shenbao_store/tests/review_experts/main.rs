//! Conformance of the owner's and the experts' side on every backend: the expert pool,
//! conflicts, assignments by hand and automatic, scores, selection, publication and the
//! owner's lists and counts. Same harness as `conformance.rs`.
#![expect(
    clippy::unwrap_used,
    reason = "test bodies are plain async fns outside #[test], where clippy's \
              allow-unwrap-in-tests does not reach; a failed unwrap is a failed test"
)]

use std::collections::BTreeMap;

use shenbao_store::testing::{TestDb, place_at_owner_level};
use shenbao_store::{
    ApplicationEvent, AutoAssign, Backend, NewApplication, NewAssignment, NewConflict,
    NewOrganisation, NewSnapshot, NewUser, Role, Store, StoreError,
};

const CALL: &str = "gd-2023-ai-scenarios";
const LEVEL: &str = "province";

// ---------------------------------------------------------------------------------------------
// Builders

struct World {
    store: Store,
    applicant: i64,
    next: u32,
}

impl World {
    fn new(db: TestDb) -> World {
        World {
            store: db.store,
            applicant: 0,
            next: 0,
        }
    }

    /// A new organisation in `region` with an applicant account.
    async fn org(&mut self, region: &str) -> i64 {
        self.next += 1;
        let n = self.next;
        let (org, user) = self
            .store
            .register_applicant(
                &NewOrganisation {
                    uscc: format!("91440300MA5F{n:06}"),
                    name: format!("单位{n}"),
                    region: region.to_owned(),
                    created_at: 1_000,
                },
                &user(&format!("applicant{n}"), Role::Applicant, None),
            )
            .await
            .unwrap();
        self.applicant = user.id;
        org.id
    }

    async fn expert(&self, username: &str, organisation_id: Option<i64>) -> i64 {
        self.store
            .create_user(&user(username, Role::Expert, organisation_id))
            .await
            .unwrap()
            .id
    }

    /// A submitted application of `org` in `direction`, at the owner level when `owner`.
    async fn app(&self, org: i64, direction: &str, at: i64, owner: bool) -> i64 {
        self.app_of(CALL, org, direction, at, owner).await
    }

    /// As [`World::app`], to call `call`.
    async fn app_of(&self, call: &str, org: i64, direction: &str, at: i64, owner: bool) -> i64 {
        let created = self
            .store
            .create_application(
                &NewApplication {
                    call_id: call.to_owned(),
                    call_version: 1,
                    direction: direction.to_owned(),
                    subdirection: None,
                    organisation_id: org,
                    created_by: self.applicant,
                    answers: "{}".to_owned(),
                    created_at: at,
                },
                &event(at),
            )
            .await
            .unwrap();
        self.store
            .submit_application(
                created.id,
                1,
                &shenbao_store::Submission {
                    from_status: shenbao_store::ApplicationStatus::Draft,
                    level: "city".into(),
                    unit: "370100".into(),
                    sector: None,
                    title: None,
                },
                &NewSnapshot {
                    version: 1,
                    answers: "{}".to_owned(),
                    files: "[]".to_owned(),
                    content_hash: "00".to_owned(),
                },
                &event(at),
            )
            .await
            .unwrap();
        if owner {
            place_at_owner_level(
                &self.store,
                created.id,
                LEVEL,
                &format!("案例{}", created.id),
            )
            .await;
        }
        created.id
    }

    async fn assign(&self, app: i64, expert: i64) -> Result<i64, StoreError> {
        self.store
            .assign_expert(&NewAssignment {
                application_id: app,
                expert_id: expert,
                assigned_at: 5_000,
                assigned_by: 1,
            })
            .await
            .map(|a| a.id)
    }
}

fn user(username: &str, role: Role, organisation_id: Option<i64>) -> NewUser {
    NewUser {
        username: username.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        display_name: format!("{username}名"),
        role,
        organisation_id,
        scope_region: None,
        scope_sector: None,
        email: None,
        created_at: 1_000,
    }
}

fn event(at: i64) -> ApplicationEvent {
    ApplicationEvent {
        at,
        actor_user_id: None,
        actor_ip: None,
        note: None,
    }
}

fn conflict(call: &str, user_id: i64, organisation_id: i64, reason: &str) -> NewConflict {
    NewConflict {
        call_id: call.to_owned(),
        user_id,
        organisation_id,
        reason: Some(reason.to_owned()),
        declared_at: 2_000,
    }
}

fn auto(per_application: usize, direction: Option<&str>) -> AutoAssign {
    AutoAssign {
        call_id: CALL.to_owned(),
        level: LEVEL.to_owned(),
        direction: direction.map(str::to_owned),
        per_application,
        assigned_at: 6_000,
        assigned_by: 1,
    }
}

fn assert_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>, expected: &str) {
    match result {
        Err(StoreError::Conflict { constraint }) => assert_eq!(constraint, expected),
        other => panic!("expected a conflict on {expected}, got {other:?}"),
    }
}

mod pool;
mod selection;
