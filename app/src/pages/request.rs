use crate::api::{
    ApplyRequest, CommentRequest, PushRequest, ReplanRequest, ReviewRequest, VerifyLive,
    WithdrawRequest, get_request,
};
use crate::components::auth::RequireRole;
use crate::components::error::ErrorBanner;
use crate::components::plan::{PlanDetails, short};
use crate::error::AppError;
use crate::model::{CommentRow, FindingRow, RequestView, ReviewRow, Role, Verdict};
use crate::pages::history::Diff;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// A change request: the revision proposed for an engine, its plan there, the difference
/// from what is live, the reviews and the discussion; approve, apply and verify from here.
#[component]
pub fn RequestPage() -> impl IntoView {
    view! {
        <Title text="Change request" />
        <RequireRole min=Role::Viewer>
            <RequestDetail />
        </RequireRole>
    }
}

/// Every action of the page, made once, outside the data's Suspend (so that their forms are
/// hydrated with their handlers).
#[derive(Clone, Copy)]
struct Acts {
    push: ServerAction<PushRequest>,
    replan: ServerAction<ReplanRequest>,
    comment: ServerAction<CommentRequest>,
    review: ServerAction<ReviewRequest>,
    withdraw: ServerAction<WithdrawRequest>,
    apply: ServerAction<ApplyRequest>,
    verify: ServerAction<VerifyLive>,
}

#[component]
fn RequestDetail() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let acts = Acts {
        push: ServerAction::new(),
        replan: ServerAction::new(),
        comment: ServerAction::new(),
        review: ServerAction::new(),
        withdraw: ServerAction::new(),
        apply: ServerAction::new(),
        verify: ServerAction::new(),
    };
    let changed = move || {
        (
            acts.push.version().get(),
            acts.replan.version().get(),
            acts.comment.version().get(),
            acts.review.version().get(),
            acts.withdraw.version().get(),
        )
    };
    let request = crate::loaded::load(
        move || (id(), changed()),
        |(id, _)| async move {
            match id {
                Some(id) => get_request(id).await,
                None => Err(AppError::NotFound {
                    what: "This change request".into(),
                }),
            }
        },
    );
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        let latest = [
            acts.push.value().get().and_then(|r| r.err()),
            acts.replan.value().get().and_then(|r| r.err()),
            acts.comment.value().get().and_then(|r| r.err()),
            acts.review.value().get().and_then(|r| r.err()),
            acts.withdraw.value().get().and_then(|r| r.err()),
        ];
        error.set(latest.into_iter().flatten().next());
    });
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let job = [acts.apply.value().get(), acts.verify.value().get()];
        for result in job.into_iter().flatten() {
            match result {
                Ok(job) => navigate(&format!("/jobs/{}", job.id), Default::default()),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <ErrorBanner error=error />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match request.await {
                    Ok(r) => view! { <Request r acts /> }.into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Request(r: RequestView, acts: Acts) -> impl IntoView {
    let row = r.row.clone();
    let id = row.id;
    let can = r.can;
    let approvals = format!(
        "{} of {} approval(s)",
        row.approvals, row.approvals_required
    );
    view! {
        <div class="page-head">
            <h1>{format!("#{id} {}", row.title)}</h1>
            <span class=format!("state state-{}", row.state.as_str()) data-test="state" data-state=row.state.as_str()>
                {row.state.label()}
            </span>
        </div>
        <p>
            {format!("{} proposes ", row.author)}
            <a href=format!("/designs/{}?rev={}", row.design_id, row.revision)>{format!("{} revision {}", row.design, row.revision)}</a>
            " for engine "
            {match row.engine_id {
                Some(e) => view! { <a href=format!("/engines/{e}")>{row.engine.clone()}</a> }.into_any(),
                None => view! { <span>{format!("{} (no longer registered)", row.engine)}</span> }.into_any(),
            }}
            {format!(" — opened {}, {approvals}.", row.created_at)}
        </p>
        {(!r.description.is_empty()).then(|| view! { <p class="card description">{r.description.clone()}</p> })}
        <Outcome r=r.clone() acts />
        <section class="card">
            <h2>"Revisions proposed"</h2>
            <ol data-test="pushed">
                {r.revisions.iter().map(|p| view! {
                    <li data-revision=p.revision.to_string()>
                        {format!("r{} by {} — {} (pushed by {} on {})", p.revision, p.author, p.message, p.pushed_by, p.pushed_at)}
                    </li>
                }).collect_view()}
            </ol>
            {can.push.then(|| view! {
                <button class="btn" data-test="push" disabled=move || acts.push.pending().get()
                    on:click=move |_| { acts.push.dispatch(PushRequest { id, revision: None }); }>
                    "Push the design's newest revision"
                </button>
            })}
            {can.withdraw.then(|| view! {
                <button class="btn btn-danger" data-test="withdraw" disabled=move || acts.withdraw.pending().get()
                    on:click=move |_| { acts.withdraw.dispatch(WithdrawRequest { id }); }>
                    "Withdraw"
                </button>
            })}
        </section>
        <section class="card">
            <h2>"Plan"</h2>
            {r.plan_error.clone().map(|e| view! { <p class="banner banner-error" data-test="plan-error">{format!("The last attempt to plan failed: {e}")}</p> })}
            {can.replan.then(|| view! {
                <button class="btn" data-test="replan" disabled=move || acts.replan.pending().get()
                    on:click=move |_| { acts.replan.dispatch(ReplanRequest { id }); }>
                    "Plan again against the engine now"
                </button>
            })}
        </section>
        {r.plan.clone().map(|p| view! { <PlanDetails p /> })}
        <Findings list=r.findings.clone() />
        {r.diff.clone().map(|d| view! { <Diff d /> })}
        {r.diff_error.clone().map(|e| view! { <p class="banner banner-error">{format!("The difference from what is live could not be computed: {e}")}</p> })}
        <Reviews r=r.clone() acts />
        <Discussion r acts />
    }
}

/// Apply and its outcome: the apply (with an override flagged in red), the verify after it.
#[component]
fn Outcome(r: RequestView, acts: Acts) -> impl IntoView {
    let id = r.row.id;
    let can = r.can;
    let reason = RwSignal::new(String::new());
    let (design, engine) = (r.row.design_id, r.row.engine_id);
    view! {
        {r.deployment.clone().map(|d| view! {
            <section class="card" data-test="deployment" data-result=d.result.clone()>
                <h2>"Applied"</h2>
                <p>{format!("Deployment {}: {} by {} on {}.", d.id, d.result, d.by, d.at)}</p>
                {d.override_reason.clone().map(|o| view! {
                    <p class="banner banner-error override" data-test="override">{format!("Applied past the engine's approvals (override): {o}")}</p>
                })}
                {match d.verification.clone() {
                    Some((vid, passed, summary)) => view! {
                        <p data-test="verification" data-passed=passed.to_string()>
                            {if passed { "Verified: " } else { "Verify found mismatches: " }}
                            <a href=format!("/verifications/{vid}")>{summary}</a>
                        </p>
                    }.into_any(),
                    None => view! { <p class="muted">"Not verified since the apply."</p> }.into_any(),
                }}
                {(can.verify && engine.is_some()).then(|| view! {
                    <button class="btn" data-test="verify" disabled=move || acts.verify.pending().get()
                        on:click=move |_| { if let Some(engine) = engine { acts.verify.dispatch(VerifyLive { design, engine }); } }>
                        "Verify on the engine"
                    </button>
                })}
            </section>
        })}
        {can.apply.then(|| view! {
            <section class="card" data-test="apply-box">
                <h2>"Apply"</h2>
                {can.override_needed.then(|| view! {
                    <label class="danger-text">
                        "The approvals the engine asks for are missing. Override them, because:"
                        <textarea name="override_reason" data-test="override-reason" rows="2" bind:value=reason></textarea>
                    </label>
                })}
                <button class="btn btn-primary" class:btn-danger=can.override_needed data-test="apply" disabled=move || acts.apply.pending().get()
                    on:click=move |_| {
                        let given = reason.get_untracked();
                        acts.apply.dispatch(ApplyRequest { id, override_reason: (!given.trim().is_empty()).then_some(given) });
                    }>
                    {if can.override_needed { "Apply with an override" } else { "Apply the approved plan" }}
                </button>
            </section>
        })}
    }
}

#[component]
fn Reviews(r: RequestView, acts: Acts) -> impl IntoView {
    let id = r.row.id;
    let revision = r.row.revision;
    let hash = r.plan.as_ref().map(|p| p.hash.clone()).unwrap_or_default();
    let message = RwSignal::new(String::new());
    let review = move |verdict: Verdict, hash: String| {
        acts.review.dispatch(ReviewRequest {
            id,
            verdict,
            revision,
            plan_hash: hash,
            message: Some(message.get_untracked()),
        });
    };
    let buttons = [
        (Verdict::Approve, "Approve", "btn btn-primary"),
        (Verdict::Changes, "Request changes", "btn"),
        (Verdict::Reject, "Reject", "btn btn-danger"),
    ];
    view! {
        <section class="card">
            <h2>"Reviews"</h2>
            {r.reviews.is_empty().then(|| view! { <p class="muted">"No review yet."</p> })}
            <ul class="reviews" data-test="reviews">
                {r.reviews.into_iter().map(|v| view! { <ReviewItem v /> }).collect_view()}
            </ul>
            {r.can.review.then(|| view! {
                <div class="stack-form" data-test="review-form">
                    <p class="muted small">{format!("You review revision {revision} with plan {}.", short(&hash))}</p>
                    <label>"Message (needed to request changes or reject)" <textarea name="message" rows="2" bind:value=message></textarea></label>
                    <div class="row">
                        {buttons.into_iter().map(|(verdict, label, class)| {
                            let hash = hash.clone();
                            view! {
                                <button class=class data-verdict=verdict.as_str() disabled=move || acts.review.pending().get()
                                    on:click=move |_| review(verdict, hash.clone())>{label}</button>
                            }
                        }).collect_view()}
                    </div>
                </div>
            })}
        </section>
    }
}

/// Every finding of the proposed revision, errors first.
#[component]
fn Findings(list: Vec<FindingRow>) -> impl IntoView {
    let count = list.len();
    view! {
        <section class="card" data-test="findings" data-count=count.to_string()>
            <h2>{format!("Findings of the proposed revision ({count})")}</h2>
            {list.is_empty().then(|| view! { <p class="muted">"No finding."</p> })}
            <ul class="findings">
                {list.into_iter().map(|f| view! {
                    <li class=format!("finding-{}", f.severity) data-finding=f.code.clone()>
                        <strong>{format!("{} {}", f.severity, f.code)}</strong>
                        {f.cis.map(|c| format!(" (CIS {c})"))}
                        {format!(" at {}: {}", f.path, f.message)}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ReviewItem(v: ReviewRow) -> impl IntoView {
    let dismissed = v.dismissed.is_some();
    view! {
        <li class=format!("review review-{}", v.verdict.as_str()) class:dismissed=dismissed data-verdict=v.verdict.as_str() data-dismissed=dismissed.to_string()>
            <strong>{format!("{} {}", v.reviewer, v.verdict.past())}</strong>
            {format!(" revision {} (plan {}) on {}", v.revision, short(&v.plan_hash), v.at)}
            {(!v.message.is_empty()).then(|| view! { <p>{v.message.clone()}</p> })}
            {v.dismissed.map(|why| view! { <p class="muted small">{format!("Dismissed: {why}")}</p> })}
        </li>
    }
}

#[component]
fn Discussion(r: RequestView, acts: Acts) -> impl IntoView {
    let id = r.row.id;
    let design = r.row.design_id;
    let body = RwSignal::new(String::new());
    let anchor = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let a = anchor.get_untracked();
        acts.comment.dispatch(CommentRequest {
            id,
            body: body.get_untracked(),
            anchor: (!a.is_empty()).then_some(a),
        });
    };
    Effect::new(move |_| {
        if acts.comment.value().get().is_some_and(|r| r.is_ok()) {
            body.set(String::new());
        }
    });
    view! {
        <section class="card">
            <h2>"Discussion"</h2>
            <ul class="comments" data-test="comments">
                {r.comments.into_iter().map(|c| view! { <Comment c design /> }).collect_view()}
            </ul>
            {r.can.comment.then(|| view! {
                <form class="stack-form" on:submit=on_submit data-test="comment-form">
                    <label>"Comment" <textarea name="body" rows="3" required bind:value=body></textarea></label>
                    <label>
                        "About"
                        <select name="anchor" bind:value=anchor>
                            <option value="">"the whole request"</option>
                            {r.anchors.iter().map(|a| view! { <option value=a.select()>{a.label.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <button class="btn" type="submit" data-test="comment" disabled=move || acts.comment.pending().get()>"Comment"</button>
                </form>
            })}
        </section>
    }
}

#[component]
fn Comment(c: CommentRow, design: i64) -> impl IntoView {
    view! {
        <li class="comment" data-comment=c.id.to_string()>
            <strong>{c.author.clone()}</strong>
            {format!(" on revision {}, {}", c.revision, c.at)}
            {c.anchor.map(|a| {
                let href = format!("/designs/{design}?rev={}&select={}", c.revision, a.select());
                view! {
                    " — "
                    <a data-test="anchor" href=href>{a.label}</a>
                }
            })}
            <p>{c.body}</p>
        </li>
    }
}
