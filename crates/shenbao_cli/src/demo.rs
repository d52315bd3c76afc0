//! `shenbao serve --demo`: accounts for every role in a few regions, so that the whole
//! workflow can be tried at once.
//!
//! Must not: run without `--demo`; these accounts' passwords are printed.

use anyhow::Result;
use shenbao_app::accounts;
use shenbao_store::{NewOrganisation, NewUser, Role, Store};

/// A demo account: (username, display name, role, region scope or organisation region,
/// organisation (USCC, name) for applicants).
type DemoAccount = (
    &'static str,
    &'static str,
    Role,
    &'static str,
    Option<(&'static str, &'static str)>,
);

/// Demo accounts for every role and a few regions. Their USCCs carry valid check
/// characters but belong to no real organisation.
const DEMO_ACCOUNTS: &[DemoAccount] = &[
    (
        "demo_qiye_jinan",
        "济南演示科技有限公司联系人",
        Role::Applicant,
        "370102",
        Some(("91370102MA3DEM0002", "济南演示科技有限公司")),
    ),
    (
        "demo_qiye_quanzhou",
        "泉州演示智能有限公司联系人",
        Role::Applicant,
        "350502",
        Some(("91350502MA3DEM0351", "泉州演示智能有限公司")),
    ),
    (
        "demo_qiye_changsha",
        "长沙演示数据有限公司联系人",
        Role::Applicant,
        "430104",
        Some(("91430104MA3DEM043J", "长沙演示数据有限公司")),
    ),
    (
        "demo_qiye_guangzhou",
        "广州演示应用有限公司联系人",
        Role::Applicant,
        "440106",
        Some(("91440106MA3DEM051E", "广州演示应用有限公司")),
    ),
    (
        "demo_xian_licheng",
        "鲤城区工信局",
        Role::Bureau,
        "350502",
        None,
    ),
    (
        "demo_hangye_quanzhou",
        DEMO_SECTOR,
        Role::Bureau,
        "350500",
        None,
    ),
    (
        "demo_shi_jinan",
        "济南市工信局",
        Role::Bureau,
        "370100",
        None,
    ),
    (
        "demo_shi_quanzhou",
        "泉州市工信局",
        Role::Bureau,
        "350500",
        None,
    ),
    (
        "demo_shi_changsha",
        "长沙市工信局",
        Role::Bureau,
        "430100",
        None,
    ),
    (
        "demo_shi_guangzhou",
        "广州市工信局",
        Role::Bureau,
        "440100",
        None,
    ),
    ("demo_ting", "省工业和信息化厅", Role::Owner, "", None),
    ("demo_zhuanjia", "评审专家甲", Role::Expert, "", None),
    ("demo_zhuanjia2", "评审专家乙", Role::Expert, "", None),
    ("demo_zhuanjia3", "评审专家丙", Role::Expert, "", None),
    ("demo_admin", "系统管理员", Role::Admin, "", None),
];

/// The sector department (市直有关单位) of the demo: 泉州 典型应用场景 applications choose it.
const DEMO_SECTOR: &str = "泉州市交通运输局";

/// Creates the demo accounts that do not exist yet and prints their passwords once. The demo
/// experts join every call's expert pool.
pub(crate) async fn create_demo_accounts(store: &Store, now: i64) -> Result<()> {
    let mut printed = false;
    for (username, name, role, region, org) in DEMO_ACCOUNTS {
        if store.user_by_username(username).await?.is_some() {
            continue;
        }
        let password = accounts::random_token()[..12].to_string();
        let user = NewUser {
            username: username.to_string(),
            password_hash: accounts::hash_password(&password)?,
            display_name: name.to_string(),
            role: *role,
            organisation_id: None,
            scope_region: (*role == Role::Bureau).then(|| region.to_string()),
            scope_sector: (*name == DEMO_SECTOR).then(|| DEMO_SECTOR.to_string()),
            email: None,
            created_at: now,
        };
        match org {
            Some((uscc, org_name)) => {
                store
                    .register_applicant(
                        &NewOrganisation {
                            uscc: uscc.to_string(),
                            name: org_name.to_string(),
                            region: region.to_string(),
                            created_at: now,
                        },
                        &user,
                    )
                    .await?;
            }
            None => {
                store.create_user(&user).await?;
            }
        }
        if !printed {
            println!("演示账号（密码只显示这一次）：");
            printed = true;
        }
        println!("  {:<22} {:<10} {password}  {name}", username, role.label());
    }
    for (username, _, role, _, _) in DEMO_ACCOUNTS {
        if *role != Role::Expert {
            continue;
        }
        if let Some(expert) = store.user_by_username(username).await? {
            for (id, _, _) in shenbao_core::call::builtin::SOURCES {
                store.add_pool_expert(id, expert.id, now).await?;
            }
        }
    }
    if !printed {
        println!(
            "演示账号已存在（密码在首次启动时显示过；可用 shenbao user password --username 账号 重设）。"
        );
    }
    Ok(())
}
