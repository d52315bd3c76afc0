//! `shenbao user`: accounts that are not self-registered (bureau, call owner, expert, admin)
//! and password resets.

use anyhow::{Context, Result, bail};
use shenbao_app::accounts::{self, system_now};
use shenbao_core::password;
use shenbao_core::region;
use shenbao_store::{NewUser, Role, StoreError};

use crate::serve::{DataArgs, open};

/// `shenbao user …`
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a bureau, call-owner, expert or admin user; prints a generated password unless
    /// `--password-stdin` is given.
    Add {
        /// Login name.
        #[arg(long)]
        username: String,
        /// applicant is not allowed here (applicants register themselves): bureau, owner,
        /// expert or admin.
        #[arg(long)]
        role: String,
        /// Name shown in the interface, e.g. 济南市工业和信息化局.
        #[arg(long)]
        name: String,
        /// Region scope (division code): of a bureau (e.g. 370100 for 济南市), or of an owner,
        /// who then owns the calls whose area lies within it (e.g. 370000 for 山东省).
        #[arg(long)]
        region: Option<String>,
        /// Sector scope of a sector department (e.g. 卫健委), instead of a region.
        #[arg(long)]
        sector: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Set a new password for a user and print it.
    Password {
        /// Login name.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Remove a user's second factor (a lost phone); they set up a new one at the next login
    /// where their role requires it.
    ResetSecondFactor {
        /// Login name.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        data: DataArgs,
    },
}

fn read_password(from_stdin: bool) -> Result<(String, bool)> {
    if from_stdin {
        let mut s = String::new();
        std::io::stdin().read_line(&mut s).context("读取密码")?;
        let p = s.trim_end_matches(['\r', '\n']).to_string();
        if let Some(problem) = password::problem(&p, &[]) {
            bail!("{problem}");
        }
        Ok((p, false))
    } else {
        Ok((accounts::random_token()[..16].to_string(), true))
    }
}

/// Runs a `user` subcommand.
pub async fn run(cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add {
            username,
            role,
            name,
            region,
            sector,
            password_stdin,
            data,
        } => {
            let role: Role = role
                .parse()
                .map_err(|_| anyhow::anyhow!("角色应为 bureau、owner、expert 或 admin"))?;
            if role == Role::Applicant {
                bail!("申报单位账号请在网页上注册");
            }
            if role == Role::Bureau && region.is_none() && sector.is_none() {
                bail!("审核单位需要 --region（行政区划代码）或 --sector（行业主管部门）");
            }
            if let Some(r) = &region
                && region::lookup(r).is_none()
            {
                bail!("行政区划代码 {r} 不存在");
            }
            let (password, generated) = read_password(password_stdin)?;
            let store = open(&data.settings(None, None)?).await?;
            let user = NewUser {
                username: username.clone(),
                password_hash: accounts::hash_password(&password)?,
                display_name: name,
                role,
                organisation_id: None,
                scope_region: region,
                scope_sector: sector,
                email: None,
                created_at: system_now(),
            };
            match store.create_user(&user).await {
                Ok(u) => {
                    println!(
                        "已创建用户 {}（{}，编号 {}）",
                        u.username,
                        u.role.label(),
                        u.id
                    );
                    if generated {
                        println!("初始密码：{password}（只显示这一次，请登录后修改）");
                    }
                    Ok(())
                }
                Err(StoreError::Conflict { .. }) => bail!("用户名 {username} 已存在"),
                Err(e) => Err(e.into()),
            }
        }
        UserCommand::ResetSecondFactor { username, data } => {
            let store = open(&data.settings(None, None)?).await?;
            let user = store
                .user_by_username(&username)
                .await?
                .with_context(|| format!("没有用户 {username}"))?;
            if store.remove_totp(user.id).await? {
                store
                    .audit(&shenbao_store::NewAuditEntry {
                        at: system_now(),
                        actor_user_id: None,
                        actor_ip: None,
                        action: "second_factor_reset".into(),
                        target_kind: Some("user".into()),
                        target_id: Some(user.id.to_string()),
                        detail: Some("shenbao user reset-second-factor".into()),
                    })
                    .await?;
                println!("已重置用户 {username} 的第二重验证，其恢复码也已作废");
            } else {
                println!("用户 {username} 未设置第二重验证");
            }
            Ok(())
        }
        UserCommand::Password { username, data } => {
            let store = open(&data.settings(None, None)?).await?;
            let user = store
                .user_by_username(&username)
                .await?
                .with_context(|| format!("没有用户 {username}"))?;
            let (password, _) = read_password(false)?;
            store
                .set_password(user.id, &accounts::hash_password(&password)?, system_now())
                .await?;
            println!("用户 {username} 的新密码：{password}");
            Ok(())
        }
    }
}
