// Which Hugging Face config fields do not change the work of a forward pass, and so are ignored on import.
// Everything else must be read by an architecture's converter; a field nobody reads is an error (it may
// change the architecture: a new attention variant, an extra projection), named in one line.

// tokenizer ids, training-only settings (dropout, init, losses), numerics (eps, softcaps, scales), rope
// details (base, scaling), serialization and generation defaults.
const IGNORED_EXACT = new Set([
  'architectures', 'model_type', 'transformers_version', 'torch_dtype', 'dtype', 'use_cache', 'auto_map',
  'rope_theta', 'rope_scaling', 'rope_parameters', 'rope_type', 'partial_rotary_factor',
  'original_max_position_embeddings', 'pretraining_tp', 'initializer_range', 'initializer_factor', 'init_std',
  'hidden_dropout', 'attention_dropout', 'activation_dropout', 'dropout', 'embd_pdrop', 'resid_pdrop',
  'attn_pdrop', 'encoder_layerdrop', 'decoder_layerdrop', 'classifier_dropout', 'router_aux_loss_coef',
  'router_z_loss_coef', 'router_jitter_noise', 'output_router_logits', 'aux_loss_alpha', 'seq_aux',
  'topk_method', 'n_group', 'topk_group', 'routed_scaling_factor', 'scoring_func', 'norm_topk_prob', 'ep_size',
  'swiglu_limit', 'query_pre_attn_scalar', 'final_logit_softcapping', 'attn_logit_softcapping', 'cache_implementation',
  'attn_temperature_tuning', 'floor_scale', 'attn_scale', 'router_dtype', 'problem_type', 'id2label', 'label2id',
  'task_specific_params', 'is_encoder_decoder', 'forced_decoder_ids', 'suppress_tokens', 'begin_suppress_tokens',
  'use_weighted_layer_sum', 'apply_spec_augment', 'classifier_proj_size', 'median_filter_width', 'scale_embedding',
  'chunk_size_feed_forward', 'use_bfloat16', 'bos_token_index', 'image_token_index', 'boi_token_index',
  'eoi_token_index', 'mm_tokens_per_image', 'vision_feature_layer', 'vision_feature_select_strategy',
  'projector_hidden_act', 'multi_modal_projector_bias', 'for_llm_compressor', 'rope_local_base_freq',
  'quantization', 'initial_context_length', 'sliding_window_size', 'max_length', 'num_beams', 'bad_words_ids', 'prefix', 'max_new_tokens', 'do_sample',
  'use_return_dict', 'torchscript', 'tf_legacy_loss', 'pruned_heads', 'is_decoder', 'add_cross_attention',
  'cross_attention_hidden_size', 'finetuning_task', 'tokenizer_class', 'layer_norm_epsilon', 'rms_norm_eps',
  'layer_norm_eps', 'norm_eps', 'router_temperature', 'z_loss_coef',
  'mask_time_prob', 'mask_time_length', 'mask_time_min_masks', 'mask_feature_prob', 'mask_feature_length',
  'mask_feature_min_masks', 'score_func', 'moe_router_dtype', 'qk_layernorm_eps',
  'output_attentions', 'output_hidden_states',
  'num_nextn_predict_layers', 'image_seq_length', 
]);
const IGNORED_PATTERNS = [
  /^_/, // _name_or_path, _attn_implementation, …
  /_token_ids?$/, // bos_token_id, eos_token_id, pad_token_id, decoder_start_token_id, …
  /dropout|_pdrop$/,
  /^init/,
  /^return_/,
  /^output_/,
  /^tokenizer/,
  /_eps(ilon)?$/,
  /softcap/,
  /^rope_/,
  /^attn_implementation/,
];

export function isIgnoredField(key: string): boolean {
  return IGNORED_EXACT.has(key) || IGNORED_PATTERNS.some((re) => re.test(key));
}
